import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toBigInt, toWireU64, ujToJ, jToUj, powerW, energyUjOf } from './units.js';

test('toBigInt keeps 64-bit precision beyond 2^53', () => {
  assert.equal(toBigInt('18446744073709551615'), 18446744073709551615n);
  assert.equal(toBigInt(42), 42n);
  assert.equal(toBigInt(''), 0n);
  assert.equal(toBigInt(undefined), 0n);
});

test('toBigInt rejects non-integers with the name of the value', () => {
  assert.throws(() => toBigInt('12.5', 'energy_uj'), /energy_uj: expected an integer, got "12.5"/);
  assert.throws(() => toBigInt(1.5, 'seq'), /seq: expected an integer/);
  assert.throws(() => toBigInt('abc'), /expected an integer/);
});

test('toWireU64 refuses negatives', () => {
  assert.equal(toWireU64(5n), '5');
  assert.equal(toWireU64(7.4), '7');
  assert.throws(() => toWireU64(-1n), /negative/);
});

test('energy and power conversions agree', () => {
  assert.equal(ujToJ(1_528_850n), 1.52885);
  assert.equal(jToUj(17.14), 17_140_000n);
  // 85 J over 1000 ms is 85 W
  assert.equal(powerW(85_000_000n, 1000), 85);
  assert.equal(powerW(1n, 0), 0);
  assert.equal(energyUjOf(16.28, 1000), 16_280_000n);
});
