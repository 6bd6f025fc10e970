import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateBands } from './rate-band.js';

const planned = new Map([['f', 100]]);
const obs = (rps: number): Map<string, number> => new Map([['f', rps]]);

/** Feeds one observation per 100 ms; returns the times (ms) at which f was reported held. */
function run(bands: RateBands, series: readonly number[]): number[] {
  const at: number[] = [];
  series.forEach((rps, k) => {
    if (bands.update(planned, obs(rps), k * 100).length) at.push(k * 100);
  });
  return at;
}

test('a rate oscillating inside the band is never held', () => {
  const b = new RateBands({ bandPct: 20, hysteresisPct: 50, holdMs: 500 });
  assert.deepEqual(
    run(
      b,
      Array.from({ length: 200 }, (_, k) => (k % 2 ? 85 : 115)),
    ),
    [],
  );
});

test('a lasting change is reported once, after the hold time', () => {
  const b = new RateBands({ bandPct: 20, hysteresisPct: 50, holdMs: 500 });
  const series = [...Array.from({ length: 5 }, () => 100), ...Array.from({ length: 50 }, () => 150)];
  assert.deepEqual(run(b, series), [1000], 'out at 500 ms, held at 1000 ms, not again');
});

test('hysteresis: a rate hovering at the edge does not restart the hold; without it, it never holds', () => {
  const hover = Array.from({ length: 100 }, (_, k) => (k % 2 ? 119 : 121));
  assert.deepEqual(run(new RateBands({ bandPct: 20, hysteresisPct: 50, holdMs: 500 }), hover), [500]);
  assert.deepEqual(run(new RateBands({ bandPct: 20, hysteresisPct: 0, holdMs: 500 }), hover), []);
});

test('coming well back inside resets; rearm restarts the hold', () => {
  const b = new RateBands({ bandPct: 20, hysteresisPct: 50, holdMs: 500 });
  assert.deepEqual(run(b, [150, 150, 150, 105, 150, 150, 150, 150, 150, 150]), [900], 'the return to 105 restarted the hold at 400 ms');
  const c = new RateBands({ bandPct: 20, hysteresisPct: 50, holdMs: 300 });
  assert.equal(c.update(planned, obs(50), 0).length, 0);
  assert.equal(c.update(planned, obs(50), 300).length, 1);
  c.rearm('f', 300);
  assert.equal(c.update(planned, obs(50), 500).length, 0);
  const again = c.update(planned, obs(50), 600);
  assert.equal(again[0]?.deviationPct, -50);
  assert.deepEqual(c.outNow(), ['f']);
  c.reset();
  assert.deepEqual(c.outNow(), []);
});

test('functions without a planned rate or an observation are left alone', () => {
  const b = new RateBands({ bandPct: 20, hysteresisPct: 50, holdMs: 0 });
  assert.deepEqual(b.update(new Map([['f', 0]]), obs(500), 0), []);
  assert.deepEqual(b.update(planned, new Map(), 0), []);
  assert.equal(b.update(planned, obs(500), 0).length, 1);
});
