// Rankings with ties: energies within the tie band have no order, and two rankings conflict only
// on a pair strictly ordered both ways.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conflictingPairs, describeRanking, order } from './ranking.js';

test('order: a tie within the band (of the larger energy), strict outside it', () => {
  assert.equal(order(100, 101.9, 2), 0);
  assert.equal(order(101.9, 100, 2), 0);
  assert.equal(order(100, 103, 2), -1);
  assert.equal(order(103, 100, 2), 1);
  assert.equal(order(100, 100.5, 0), -1);
  assert.equal(order(0, 0, 2), 0);
});

test('describeRanking marks tied neighbours with ≈', () => {
  const e = new Map([
    ['rr', 10_000],
    ['energy-aware', 9_000],
    ['core-aware', 10_100],
  ]);
  assert.equal(describeRanking(e, 2), 'energy-aware < rr ≈ core-aware');
  assert.equal(describeRanking(e, 0), 'energy-aware < rr < core-aware');
});

test('conflicts: a swap inside the band is not one, a swap beyond it is', () => {
  const measured = new Map([
    ['rr', 10_000],
    ['core-aware', 10_100],
    ['energy-aware', 9_000],
  ]);
  // rr and core-aware swapped, 1 % apart: a tie in the measurement, no conflict.
  const swappedClose = new Map([
    ['rr', 10_100],
    ['core-aware', 10_000],
    ['energy-aware', 9_000],
  ]);
  assert.deepEqual(conflictingPairs(measured, swappedClose, 2), []);
  assert.deepEqual(conflictingPairs(measured, swappedClose, 0), [['core-aware', 'rr']]);
  // energy-aware above rr by 5 % in the simulation while 10 % below it measured: a conflict.
  const swappedFar = new Map([
    ['rr', 10_000],
    ['core-aware', 10_100],
    ['energy-aware', 10_500],
  ]);
  assert.deepEqual(conflictingPairs(measured, swappedFar, 2), [
    ['core-aware', 'energy-aware'],
    ['energy-aware', 'rr'],
  ]);
});
