// The campaign design: every function in at least G_min bags, N distinct functions per bag, the
// same seed gives the same bags, and impossible parameters are refused with the reason.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BagDesignError, designBags, designIsolation, seededRandom } from './bag-design.js';

const fns = (n: number): string[] => Array.from({ length: n }, (_, i) => `f${String(i).padStart(2, '0')}`);

test('property: 300 seeded random designs meet coverage and bag size, deterministically', () => {
  const rnd = seededRandom(42);
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  for (let k = 0; k < 300; k++) {
    const functions = fns(int(1, 30));
    const bagSize = int(1, functions.length);
    const minBags = int(1, 4);
    const least = Math.max(minBags, Math.ceil((functions.length * minBags) / bagSize));
    const bags = int(least, least + 10);
    const seed = int(0, 1_000_000);
    const input = { functions, bags, bagSize, minBags, seed };
    const design = designBags(input);
    assert.equal(design.length, bags, `case ${k}: bag count`);
    for (const b of design) {
      assert.equal(b.length, bagSize, `case ${k}: bag size`);
      assert.equal(new Set(b).size, b.length, `case ${k}: distinct functions in a bag`);
      for (const f of b) assert.ok(functions.includes(f));
    }
    for (const f of functions) {
      const n = design.filter((b) => b.includes(f)).length;
      assert.ok(n >= minBags, `case ${k}: ${f} in ${n} bags, expected >= ${minBags} (${JSON.stringify(input)})`);
    }
    assert.deepEqual(designBags(input), design, `case ${k}: same seed, same bags`);
  }
});

test("the paper's campaign: 22 functions, G = 20 bags of N = 8, G_min = 2; seeds change the draw", () => {
  const functions = fns(22);
  const a = designBags({ functions, bags: 20, bagSize: 8, minBags: 2, seed: 1 });
  const b = designBags({ functions, bags: 20, bagSize: 8, minBags: 2, seed: 2 });
  assert.notDeepEqual(a, b);
  const counts = functions.map((f) => a.filter((bag) => bag.includes(f)).length);
  assert.ok(Math.min(...counts) >= 2);
  // 160 places over 22 functions: the least-drawn-first fill keeps every function at 7 or 8 bags.
  assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `balanced counts: ${counts.join(',')}`);
});

test('impossible designs are refused naming the reason', () => {
  const functions = fns(5);
  assert.throws(
    () => designBags({ functions, bags: 2, bagSize: 2, minBags: 2, seed: 1 }),
    (e: unknown) => e instanceof BagDesignError && /hold 4 places; 5 functions in 2 bags each need 10/.test(e.message),
  );
  assert.throws(() => designBags({ functions, bags: 4, bagSize: 6, minBags: 1, seed: 1 }), /bag size 6 is larger than the 5 functions/);
  assert.throws(() => designBags({ functions, bags: 1, bagSize: 5, minBags: 2, seed: 1 }), /needs at least 2 bags/);
  assert.throws(() => designBags({ functions: [], bags: 1, bagSize: 1, minBags: 1, seed: 1 }), /none to profile/);
  assert.throws(() => designBags({ functions: ['a', 'a'], bags: 1, bagSize: 1, minBags: 1, seed: 1 }), /listed twice/);
  assert.throws(() => designBags({ functions, bags: 0, bagSize: 1, minBags: 1, seed: -1 }), /bags \(G\) must be .*seed must be/);
});

test('isolation: every function alone, G_min times', () => {
  assert.deepEqual(designIsolation(['b', 'a'], 2), [['a'], ['b'], ['a'], ['b']]);
});
