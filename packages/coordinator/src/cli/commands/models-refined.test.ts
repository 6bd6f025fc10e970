// refinedModels(): which estimates go into the exported models file. Confident ones replace the
// base figures (the profiled spread kept); others keep the base; pairs without a base take their
// arch from the live hosts, or are skipped with the reason; the source names the energy quality.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { wire } from '@isawatt/common';
import { parseModels } from '../../workload/parse.js';
import type { Models } from '../../workload/types.js';
import { refinedModels } from './models-refined.js';

const est = (
  hostType: string,
  fn: string,
  e: number,
  w: number,
  confidence: number,
  quality: wire.Quality__Output = 'QUALITY_ESTIMATED',
): wire.ModelEstimate__Output => ({
  host_type: hostType,
  function: fn,
  exec_per_sec_per_core: e,
  energy_per_exec_j: w,
  samples: '120',
  observed_cpu_s: 60,
  confidence,
  profiled_exec_per_sec_per_core: 0,
  profiled_energy_per_exec_j: 0,
  has_profiled: false,
  drift: false,
  energy_quality: quality,
  last_update_ms: '1',
});

test('confident estimates replace the base; the rest keep it; no base needs a live host for the arch', () => {
  const spread = { bags: 3, execPerSecPerCore: { median: 10, min: 9, max: 11, cv: 0.1 }, energyPerExecJ: { median: 1, min: 0.9, max: 1.1, cv: 0.1 } };
  const base: Models = {
    source: 'profiled',
    hostTypes: {
      xeon: { arch: 'x86_64', functions: { f: { execPerSecPerCore: 10, energyPerExecJ: 1, spread }, g: { execPerSecPerCore: 5, energyPerExecJ: 2 } } },
    },
    categories: { f: 'web' },
  };
  const res: wire.GetModelEstimatesResponse__Output = {
    prior_source: 'profiled.yaml',
    tau_s: 300,
    estimates: [est('xeon', 'f', 13, 1.3, 0.9), est('xeon', 'g', 9, 9, 0.2), est('altra', 'f', 20, 0.5, 0.95), est('epyc', 'f', 30, 0.4, 0.99)],
  };
  const out = refinedModels(res, base, new Map([['altra', 'aarch64' as const]]), 0.5, { coordinator: '127.0.0.1:7000', nowIso: '2026-12-06T00:00:00.000Z' });
  assert.deepEqual(out.models.hostTypes.xeon?.functions.f, { spread, execPerSecPerCore: 13, energyPerExecJ: 1.3, samples: 120 });
  assert.deepEqual(out.models.hostTypes.xeon?.functions.g, { execPerSecPerCore: 5, energyPerExecJ: 2 }, 'low confidence: base kept');
  assert.deepEqual(out.models.hostTypes.altra, { arch: 'aarch64', functions: { f: { execPerSecPerCore: 20, energyPerExecJ: 0.5, samples: 120 } } });
  assert.equal(out.models.hostTypes.epyc, undefined);
  assert.match(out.skipped.join(), /epyc\/f: no base model and no live host of that type/);
  assert.equal(out.models.source, 'refined online from production telemetry (energy estimated) on 2026-12-06T00:00:00.000Z; base: profiled');
  assert.deepEqual(out.models.categories, { f: 'web' });
  // It is a valid models file.
  parseModels(JSON.parse(JSON.stringify(out.models)), 'refined');
});

test('a pair with open-loop figures: production replaces them and the saturated figures stay', () => {
  const openLoop = { utilisation: 0.85, execPerSecPerCore: 8, energyPerExecJ: 1.25, samples: 3 };
  const base: Models = {
    source: 'profiled',
    hostTypes: { xeon: { arch: 'x86_64', functions: { f: { execPerSecPerCore: 10, energyPerExecJ: 1, openLoop } } } },
    categories: { f: 'web' },
  };
  const res: wire.GetModelEstimatesResponse__Output = { prior_source: 'profiled.yaml', tau_s: 300, estimates: [est('xeon', 'f', 7, 1.4, 0.9)] };
  const out = refinedModels(res, base, new Map(), 0.5, { coordinator: '127.0.0.1:7000', nowIso: '2026-12-06T00:00:00.000Z' });
  assert.deepEqual(out.models.hostTypes.xeon?.functions.f, {
    execPerSecPerCore: 10,
    energyPerExecJ: 1,
    openLoop: { utilisation: 0.85, execPerSecPerCore: 7, energyPerExecJ: 1.4, samples: 120 },
  });
  parseModels(JSON.parse(JSON.stringify(out.models)), 'refined');
});
