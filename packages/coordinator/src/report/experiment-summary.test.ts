import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summariseCells } from './experiment-summary.js';
import { fixtureRecords } from './fixture-records.test-support.js';

test('cells: mean and spread over repeats, met count, saving vs rr measured and predicted', () => {
  const cells = summariseCells(fixtureRecords());
  assert.deepEqual(
    cells.map((c) => `${c.mix}/${c.policy}`),
    ['general/rr', 'general/core-aware', 'general/energy-aware', 'web-dominated/rr', 'web-dominated/core-aware', 'web-dominated/energy-aware'],
  );
  const ea = cells.find((c) => c.mix === 'general' && c.policy === 'energy-aware');
  assert.ok(ea);
  assert.equal(ea.runs, 2);
  assert.ok(Math.abs(ea.energyMeanJ - 2000 * 0.88 * 1.005) < 1e-9);
  assert.ok(Math.abs(ea.energyMaxJ - ea.energyMinJ - 2000 * 0.88 * 0.01) < 1e-9);
  assert.ok(Math.abs((ea.savingVsRrPct ?? 0) - 12) < 1e-9);
  assert.ok(Math.abs((ea.predictedSavingVsRrPct ?? 0) - 12) < 1e-9);
  const rrWeb = cells.find((c) => c.mix === 'web-dominated' && c.policy === 'rr');
  assert.equal(rrWeb?.metRates, 1);
  assert.equal(rrWeb?.savingVsRrPct, 0);
});

test('cells: the saving uses the median over repeats, so one disturbed repeat of three does not move it', () => {
  const records = fixtureRecords();
  const ea = records.find((r) => r.mix === 'general' && r.policy === 'energy-aware');
  assert.ok(ea);
  // A third repeat of energy-aware that a burst of other load made 50 % dearer.
  records.push({ ...ea, id: 'run-fixture-outlier', repeat: 2, energyJ: ea.energyJ * 1.5 });
  const cell = summariseCells(records).find((c) => c.mix === 'general' && c.policy === 'energy-aware');
  assert.ok(cell);
  assert.equal(cell.runs, 3);
  assert.ok(Math.abs(cell.energyMedianJ - 2000 * 0.88 * 1.01) < 1e-9, 'the middle of three');
  assert.ok(cell.energyMeanJ > cell.energyMedianJ, 'the mean follows the outlier');
  // rr's median is the mean of its two repeats, 2000 x 1.005.
  assert.ok(Math.abs((cell.savingVsRrPct ?? 0) - (1 - (0.88 * 1.01) / 1.005) * 100) < 1e-9);
});
