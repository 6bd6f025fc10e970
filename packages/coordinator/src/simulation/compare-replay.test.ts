// A replayed measured run is planned as the run was: with its headroom and, when it was planned on
// speed quantiles (--robust-quantile, -joint, -arrivals), on the same quantiles. A replay that
// dropped them planned fewer cores than the run had, and so another utilisation and energy.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@isawatt/common';
import type { RunRecord } from '../results/run-record.js';
import { loadModelsFile } from '../workload/parse.js';
import type { Models } from '../workload/types.js';
import { CellRunner } from './cells.js';
import { loadClusterFile } from './cluster.js';
import { replayCell, replayedRobust } from './compare.js';

const root = resolve(fileURLToPath(import.meta.url), '../../../../../');
const pair = loadClusterFile(resolve(root, 'examples/cluster-paper-pair.yaml'));
const plain = loadModelsFile(resolve(root, 'examples/models-simulation.yaml'));

/** The example models with every speed spread over bags at 0.8x-1.2x (illustrative), so that a quantile plans more cores. */
function withSpread(m: Models): Models {
  const hostTypes = Object.fromEntries(
    Object.entries(m.hostTypes).map(([t, ht]) => [
      t,
      {
        ...ht,
        functions: Object.fromEntries(
          Object.entries(ht.functions).map(([f, md]) => {
            const e = md.execPerSecPerCore;
            const w = md.energyPerExecJ;
            const spread = {
              bags: 3,
              execPerSecPerCore: { median: e, min: 0.8 * e, max: 1.2 * e, cv: 0.2, perBag: [0.8 * e, e, 1.2 * e] },
              energyPerExecJ: { median: w, min: w, max: w, cv: 0 },
            };
            return [f, { ...md, spread }];
          }),
        ),
      },
    ]),
  );
  return { ...m, hostTypes };
}

/** A measured record as `isawatt run` stores it, reduced to what a replay reads. */
function measured(robust: unknown): RunRecord {
  const hosts = pair.hosts.map((h) => ({ id: h.id, type: h.type, energyJ: 0, energyQuality: 'emulated', parked: false, coresUsed: 0 }));
  return {
    id: 'run-test',
    kind: 'measured',
    startedAt: '2026-12-07T00:00:00Z',
    mix: 'general',
    policy: 'energy-aware',
    load: 0.3,
    durationS: 60,
    functions: [
      { name: 'jwt-node', requestedRps: 20_000 },
      { name: 'html-node', requestedRps: 40_000 },
    ],
    hosts,
    inputs: { headroom: 0.2, plan: { policy: 'energy-aware', ...(robust === undefined ? {} : { robust }) } },
  } as unknown as RunRecord;
}

describe('replaying a measured run (simulate --compare)', () => {
  test('the replay carries the run’s robust options; none when it had none; a malformed one is named', () => {
    assert.deepEqual(replayCell(measured({ quantile: 0.1, joint: true, functionQuantile: 0.05 }), pair.hosts).robust, { quantile: 0.1, joint: true });
    assert.deepEqual(replayedRobust(measured({ quantile: 0.05, arrivals: 'poisson' })), { quantile: 0.05, arrivals: 'poisson' });
    assert.equal(replayCell(measured(undefined), pair.hosts).robust, undefined);
    assert.equal(replayCell(measured(undefined), pair.hosts).headroom, 0.2);
    assert.throws(
      () => replayedRobust(measured({ quantile: 2 })),
      (e: unknown) => e instanceof ConfigError && /run run-test: inputs\.plan\.robust: expected \{quantile: a number between 0 and 1/.test(e.message),
    );
  });

  test('a replayed robust run is planned on the same quantile: more cores than a plain replay, the plan says so', async () => {
    const runner = new CellRunner({
      models: withSpread(plain),
      truth: { seed: 1, useSpread: false, modelErrorCv: 0 },
      interference: { kind: 'none' },
      engine: { durationS: 30, seed: 1, arrivals: 'constant', queueLimitS: 10, seriesLimit: 100 },
      rateTolerance: 0.02,
      planOptions: { solver: 'fast', timeLimitMs: 5000 },
      simulationId: 'sim-replay',
      startedAt: '2026-12-07T00:00:00Z',
      inputs: {},
    });
    const cores = (o: { plan: { assignments: readonly { cores: number }[] } }): number => o.plan.assignments.reduce((s, a) => s + a.cores, 0);
    const robust = await runner.run(replayCell(measured({ quantile: 0.1 }), pair.hosts));
    assert.deepEqual(robust.plan.robust, { quantile: 0.1 });
    const point = await runner.run(replayCell(measured(undefined), pair.hosts));
    assert.equal(point.plan.robust, undefined);
    assert.ok(cores(robust) > cores(point), `robust replay ${cores(robust)} cores vs plain ${cores(point)}`);
  });
});
