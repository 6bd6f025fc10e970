// The open-loop phase from bag results to the models file: medians over the bags whose phase gave
// usable figures, the phase's context (offered, achieved, busy share) in the provenance, the file
// validated and read back by the planner's parser with the saturated figures unchanged.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
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
const s = (bag: number, e: number, w: number, openLoop?: OpenLoopSample, points?: OpenLoopSample[]): BagSample => ({
  bag,
  hostId: 'h1',
  hostType: 'x',
  function: 'f',
  execPerSecPerCore: e,
  energyPerExecJ: w,
  completed: 100,
  quality: 'emulated',
  ...(openLoop ? { openLoop } : {}),
  ...(points ? { openLoopPoints: points } : {}),
});
/** A bag with two open-loop points, at 0.6 and 0.85 (openLoop the 0.85 one, as the agent answers). */
const two = (bag: number, e: number, w: number, low: OpenLoopSample, high: OpenLoopSample): BagSample => s(bag, e, w, high, [low, high]);
const at6 = (e: number, w: number, over: Partial<OpenLoopSample> = {}): OpenLoopSample =>
  ol(e, w, { utilisation: 0.6, offeredRps: 30, achievedRps: 29.8, busyFraction: 0.9, ...over });

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

test('a bag gets the time of one more warm-up and window per open-loop utilisation', () => {
  const plan = { durationMs: 20_000, warmupMs: 10_000, idleMs: 0 };
  assert.equal(bagTimeoutMs({ ...plan, openLoopUtilisations: [0.85] }, 4) - bagTimeoutMs(plan, 4), 30_000);
  assert.equal(bagTimeoutMs({ ...plan, openLoopUtilisations: [0.6, 0.85] }, 4) - bagTimeoutMs(plan, 4), 60_000);
});

test('two open-loop utilisations: medians per point over the bags, openLoop the highest, each point its own check', () => {
  const out = aggregate(
    [
      two(0, 10, 1, at6(6, 1.5), ol(8, 1.2)),
      two(1, 12, 1.1, at6(7, 1.7, { busyFraction: 0.94 }), ol(9, 1.4)),
      // This bag's 0.6 phase completed nothing: the 0.6 point is the median of the other two.
      two(2, 11, 1, at6(5, 0, { completed: 0 }), ol(10, 1.3)),
    ],
    [],
  );
  const f = out.x?.functions.f;
  assert.deepEqual(f?.openLoopPoints, [
    { utilisation: 0.6, execPerSecPerCore: 6.5, energyPerExecJ: 1.6, samples: 2 },
    { utilisation: 0.85, execPerSecPerCore: 9, energyPerExecJ: 1.3, samples: 3 },
  ]);
  assert.deepEqual(f?.openLoop, f?.openLoopPoints?.[1]);
  assert.deepEqual(f?.openLoopCheck, { offeredRps: 40, achievedRps: 39.5, busyFraction: 0.97 });
  assert.deepEqual(f?.openLoopChecks, [
    { utilisation: 0.6, offeredRps: 30, achievedRps: 29.8, busyFraction: 0.92 },
    { utilisation: 0.85, offeredRps: 40, achievedRps: 39.5, busyFraction: 0.97 },
  ]);
  // One point: no openLoopPoints (the file keeps its old shape).
  assert.equal(aggregate([s(0, 10, 1, ol(8, 1.2))], []).x?.functions.f?.openLoopPoints, undefined);
});

test('two open-loop utilisations: bag-paired per point across host types', () => {
  const on = (hostType: string, b: BagSample): BagSample => ({ ...b, hostType, hostId: hostType });
  // Bag 1 ran everything 2x as costly on both types: pairing keeps each type's figure at the
  // median bag's level and the ratio between the types (2 at 0.6, 1.5 at 0.85) exact.
  const samples = [
    on('x', two(0, 10, 1, at6(6, 1), ol(8, 1))),
    on('a', two(0, 10, 1, at6(6, 2), ol(8, 1.5))),
    on('x', two(1, 10, 1, at6(6, 2), ol(8, 2))),
    on('a', two(1, 10, 1, at6(6, 4), ol(8, 3))),
  ];
  const out = aggregate(samples, []);
  const ratio = (u: number): number =>
    (out.a?.functions.f?.openLoopPoints?.find((p) => p.utilisation === u)?.energyPerExecJ ?? 0) /
    (out.x?.functions.f?.openLoopPoints?.find((p) => p.utilisation === u)?.energyPerExecJ ?? 1);
  assert.ok(Math.abs(ratio(0.6) - 2) < 1e-4, `0.6: ${ratio(0.6)}`);
  assert.ok(Math.abs(ratio(0.85) - 1.5) < 1e-4, `0.85: ${ratio(0.85)}`);
});

test('models file round trip with two points: openLoopPoints and their checks written, read back by the planner', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'isawatt-open-loop-models-'));
  try {
    const aggregated = aggregate([two(0, 10, 1, at6(6, 1.5), ol(8, 1.2)), two(1, 12, 1.1, at6(7, 1.7), ol(9, 1.4))], []).x ?? assert.fail();
    const models = buildModels({ hostTypes: { x: { arch: 'x86_64', aggregated } }, categories: {}, provenance: {}, createdAt: '2026-12-07T07:00:00Z' });
    const path = join(dir, 'models.yaml');
    await writeModelsFile(path, models);
    const back = loadModelsFile(path);
    const f = back.hostTypes.x?.functions.f;
    assert.deepEqual(f?.openLoopPoints, [
      { utilisation: 0.6, execPerSecPerCore: 6.5, energyPerExecJ: 1.6, samples: 2 },
      { utilisation: 0.85, execPerSecPerCore: 8.5, energyPerExecJ: 1.3, samples: 2 },
    ]);
    assert.deepEqual(f?.openLoop, { utilisation: 0.85, execPerSecPerCore: 8.5, energyPerExecJ: 1.3, samples: 2 });
    assert.equal((back.provenance?.openLoopPoints as Record<string, Record<string, unknown[]>>).x?.f?.length, 2);
    assert.match(await readFile(path, 'utf8'), /# openLoopPoints: every utilisation measured/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
