import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitLargestRemainder } from './largest-remainder.js';
import { conserveSplit } from './conserve.js';

const sum = (xs: bigint[]): bigint => xs.reduce((a, b) => a + b, 0n);

test('parts add up to the total exactly and follow the weights', () => {
  assert.deepEqual(splitLargestRemainder(10n, [1, 1, 1]), [4n, 3n, 3n]);
  assert.deepEqual(splitLargestRemainder(100n, [3, 1]), [75n, 25n]);
  assert.deepEqual(splitLargestRemainder(7n, [0, 2, 0]), [0n, 7n, 0n]);
  assert.deepEqual(splitLargestRemainder(5n, [0, 0]), [0n, 0n]);
  assert.deepEqual(splitLargestRemainder(5n, [Number.NaN, -1, 1]), [0n, 0n, 5n]);
});

test('random splits always conserve, including huge totals', () => {
  let seed = 7;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let k = 0; k < 500; k++) {
    const total = BigInt(Math.floor(rnd() * 1e9)) * (k % 7 === 0 ? 10_000_000n : 1n);
    const weights = Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => (rnd() < 0.2 ? 0 : rnd() * 1e6));
    const parts = splitLargestRemainder(total, weights);
    if (weights.some((w) => w > 0)) assert.equal(sum(parts), total);
    parts.forEach((p, i) => {
      assert.ok(p >= 0n);
      if (weights[i] === 0) assert.equal(p, 0n);
    });
  }
});

test('conserveSplit: static clipped to the budget, other activity stays idle', () => {
  const s = conserveSplit(1_000_000n, 400_000n, [3, 1], 2);
  assert.equal(sum(s.dynamicUj) + s.idleUj, 1_000_000n);
  assert.deepEqual(s.dynamicUj, [300_000n, 100_000n]);
  assert.equal(s.idleUj, 600_000n);
  // totals: dynamic + static × weight / Σ weights (incl. other)
  assert.deepEqual(s.totalUj, [500_000n, 166_667n]);

  const clipped = conserveSplit(1000n, 5000n, [1, 1]);
  assert.deepEqual(clipped.dynamicUj, [0n, 0n]);
  assert.equal(clipped.idleUj, 1000n);

  const none = conserveSplit(1000n, 0n, [0, 0]);
  assert.equal(none.idleUj, 1000n);
});
