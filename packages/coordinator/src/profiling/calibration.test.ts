// Calibration rows: cores per step, attributed power from the functions' dynamic energy, and the
// error of attributed + idle against the measured host power.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { wire } from '@isawatt/common';
import { calibrationRow, coresAtStep } from './calibration.js';

test('steps: 1/K .. K/K of the function CPUs, at least one', () => {
  assert.deepEqual(
    [1, 2, 3, 4].map((i) => coresAtStep(i, 4, 128)),
    [32, 64, 96, 128],
  );
  assert.equal(coresAtStep(1, 10, 2), 1);
});

test('a step: measured 150 W, 90 W attributed to the functions, 58 W idle: -1.33 %', () => {
  const r = {
    job_id: 'c:step2',
    ok: true,
    duration_ms: 10_000,
    host_power_w: 150,
    host_quality: 'QUALITY_EMULATED',
    attribution: 'smartwatts',
    model_error_w: 0.8,
    functions: [{ function: 'matrix-node', dynamic_energy_uj: '900000000' }],
  } as unknown as wire.BagResult__Output;
  const row = calibrationRow(r, 0.5, 64, 58);
  assert.equal(row.attributedW, 90);
  assert.equal(row.error, (90 + 58 - 150) / 150);
  assert.equal(row.quality, 'emulated');
  assert.equal(row.modelErrorW, 0.8);
});
