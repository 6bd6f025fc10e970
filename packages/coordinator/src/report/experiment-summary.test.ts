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
