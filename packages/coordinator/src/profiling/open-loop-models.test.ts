// The open-loop phase from bag results to the models file: medians over the bags whose phase gave
// usable figures, the phase's context (offered, achieved, busy share) in the provenance, the file
// validated and read back by the planner's parser with the saturated figures unchanged.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadModelsFile } from '../workload/parse.js';
import { aggregate, type BagSample, type OpenLoopSample } from './aggregate.js';
import { bagTimeoutMs } from './campaign.js';
import { buildModels, writeModelsFile } from './models-file.js';

const ol = (e: number, w: number, over: Partial<OpenLoopSample> = {}): OpenLoopSample => ({
  utilisation: 0.85,
  execPerSecPerCore: e,
  energyPerExecJ: w,
  completed: 100,
  offeredRps: 40,
  achievedRps: 39.5,
  busyFraction: 0.97,
  ...over,
});
const s = (bag: number, e: number, w: number, openLoop?: OpenLoopSample): BagSample => ({
  bag,
  hostId: 'h1',
  hostType: 'x',
  function: 'f',
  execPerSecPerCore: e,
  energyPerExecJ: w,
  completed: 100,
  quality: 'emulated',
  ...(openLoop ? { openLoop } : {}),
});

test('open-loop figures: medians over the bags with a usable phase; none without one', () => {
  const out = aggregate([s(0, 10, 1, ol(8, 1.2)), s(1, 12, 1.1, ol(9, 1.4, { busyFraction: 0.99 })), s(2, 11, 1, ol(7, 0, { completed: 0 }))], []);
  const f = out.x?.functions.f;
  assert.deepEqual(f?.openLoop, { utilisation: 0.85, execPerSecPerCore: 8.5, energyPerExecJ: 1.3, samples: 2 });
  assert.deepEqual(f?.openLoopCheck, { offeredRps: 40, achievedRps: 39.5, busyFraction: 0.98 });
  // The saturated figures are the medians of all three bags, as before.
  assert.equal(f?.execPerSecPerCore, 11);
  assert.equal(aggregate([s(0, 10, 1)], []).x?.functions.f?.openLoop, undefined);
});

test('the models file carries openLoop per function and its context in the provenance; the planner reads it back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'isawatt-open-loop-models-'));
  try {
    const aggregated = aggregate([s(0, 10, 1, ol(8, 1.2)), s(1, 12, 1.1, ol(9, 1.4))], []).x ?? assert.fail();
    const models = buildModels({ hostTypes: { x: { arch: 'x86_64', aggregated } }, categories: {}, provenance: {}, createdAt: '2026-12-06T19:00:00Z' });
    const path = join(dir, 'models.yaml');
    await writeModelsFile(path, models);
    const back = loadModelsFile(path);
    const f = back.hostTypes.x?.functions.f;
    assert.deepEqual(f?.openLoop, { utilisation: 0.85, execPerSecPerCore: 8.5, energyPerExecJ: 1.3, samples: 2 });
    assert.equal(f?.execPerSecPerCore, 11);
    assert.equal(f?.energyPerExecJ, 1.05);
    assert.deepEqual((back.provenance?.openLoop as Record<string, unknown>).x, { f: { offeredRps: 40, achievedRps: 39.5, busyFraction: 0.97 } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a bag with an open-loop phase gets the time of a second warm-up and window', () => {
  const plan = { durationMs: 20_000, warmupMs: 10_000, idleMs: 0 };
  assert.equal(bagTimeoutMs({ ...plan, openLoopUtilisation: 0.85 }, 4) - bagTimeoutMs(plan, 4), 30_000);
});
