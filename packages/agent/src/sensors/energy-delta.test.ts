import assert from 'node:assert/strict';
import { test } from 'node:test';
import { counterDeltaUj, trapezoidEnergyUj } from './energy-delta.js';

test('counter delta without wrap is the difference', () => {
  assert.deepEqual(counterDeltaUj(84123569873n, 84125569873n, 262143328850n), { deltaUj: 2000000n, kind: 'ok' });
});

test('counter wrap: prev 262143000000, cur 1200000, max 262143328850 -> 1528850 µJ', () => {
  assert.deepEqual(counterDeltaUj(262143000000n, 1200000n, 262143328850n), { deltaUj: 1528850n, kind: 'wrapped' });
});

test('a decrease without a known range is a reset with no energy', () => {
  assert.deepEqual(counterDeltaUj(5000n, 100n, null), { deltaUj: 0n, kind: 'reset' });
  // From above the range: cannot be one wrap either.
  assert.deepEqual(counterDeltaUj(300000000000n, 100n, 262143328850n), { deltaUj: 0n, kind: 'reset' });
});

test('trapezoid: 16.28 W then 18.00 W over 1 s -> 17.14 J', () => {
  assert.equal(trapezoidEnergyUj(16280000n, 18000000n, 1000), 17140000n);
  assert.equal(trapezoidEnergyUj(16280000n, 18000000n, 0), 0n);
  assert.equal(trapezoidEnergyUj(31900000n, 31900000n, 500), 15950000n);
});
