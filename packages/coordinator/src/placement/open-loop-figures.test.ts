// Planning on the open-loop figures: where a models file has a function's cost at run utilisation
// (openLoop), cores and predicted power come from it, every policy and solver path sees it through
// the problem, `--figures saturated` restores the saturated E_ij / W_ij, and the problem says which
// figures it used.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseModels } from '../workload/parse.js';
import type { HostSpec } from '../workload/types.js';
import { plan } from './planner.js';
import { buildProblem, describeFigures, openLoopEnergyShare, planningModel } from './problem.js';
import { robustProblem } from './robust.js';

// f is cheapest saturated on x (1.0 J vs 1.2 J) but open loop on a: at half load its energy per
// execution doubles on x (all of it is a per-core cost, k = 1) and grows by a quarter on a (k = 0.25).
// g has no open-loop figures anywhere.
const models = parseModels({
  hostTypes: {
    x: {
      arch: 'x86_64',
      functions: {
        f: {
          execPerSecPerCore: 10,
          energyPerExecJ: 1.0,
          spread: {
            bags: 3,
            execPerSecPerCore: { median: 10, min: 8, max: 12, cv: 0.2, perBag: [8, 10, 12] },
            energyPerExecJ: { median: 1, min: 0.9, max: 1.1, cv: 0.1 },
          },
          openLoop: { utilisation: 0.5, execPerSecPerCore: 5, energyPerExecJ: 2, samples: 3 },
        },
        g: { execPerSecPerCore: 10, energyPerExecJ: 1 },
      },
    },
    a: {
      arch: 'aarch64',
      functions: {
        f: { execPerSecPerCore: 10, energyPerExecJ: 1.2, openLoop: { utilisation: 0.5, execPerSecPerCore: 5, energyPerExecJ: 1.5 } },
        g: { execPerSecPerCore: 10, energyPerExecJ: 1 },
      },
    },
  },
});
const hosts: HostSpec[] = [
  { id: 'x1', type: 'x', arch: 'x86_64', cores: 16 },
  { id: 'a1', type: 'a', arch: 'aarch64', cores: 16 },
];
const demands = [
  { name: 'f', rateRps: 10 },
  { name: 'g', rateRps: 5 },
];

test('cores and predicted power come from the open-loop figures where present, the saturated ones elsewhere', () => {
  const sat = buildProblem(hosts, models, demands, { figures: 'saturated' });
  const open = buildProblem(hosts, models, demands);
  // f on x: 10 req/s at 10/core saturated = 1 core, 1.0 J x 10/s = 10 W. Open loop 5/core = 2 cores,
  // loaded to 10 / (2 x 10) = 0.5 of their saturated capacity: 2 J per execution there, 20 W.
  assert.deepEqual(sat.cores[0], [1, 1]);
  assert.deepEqual(open.cores[0], [2, 1]);
  assert.deepEqual(sat.powerW[0], [10, 5]);
  assert.deepEqual(open.powerW[0], [20, 5]);
  // f on a: 2 cores at 0.5: 1.2 x (0.75 + 0.25 / 0.5) = 1.5 J, 15 W.
  assert.deepEqual(open.cores[1], [2, 1]);
  assert.deepEqual(open.powerW[1], [15, 5]);
  // Headroom: 10 x 1.2 / 5 = 2.4 -> 3 cores, loaded to 1/3: the per-core share costs more per
  // execution (x: 3 J, 30 W; a: 1.2 x (0.75 + 0.75) = 1.8 J, 18 W).
  const spare = buildProblem(hosts, models, demands, { headroom: 0.2 });
  assert.equal(spare.cores[0]?.[0], 3);
  assert.ok(Math.abs((spare.powerW[0]?.[0] ?? 0) - 30) < 1e-9);
  assert.ok(Math.abs((spare.powerW[1]?.[0] ?? 0) - 18) < 1e-9);
  assert.equal(openLoopEnergyShare(models.hostTypes.x?.functions.f ?? assert.fail()), 1);
  assert.equal(openLoopEnergyShare(models.hostTypes.a?.functions.f ?? assert.fail()), 0.25);
  assert.equal(openLoopEnergyShare(models.hostTypes.a?.functions.g ?? assert.fail()), 0);
  assert.deepEqual(open.figures, { choice: 'open-loop', openLoopPairs: 2, saturatedPairs: 2, utilisations: [0.5] });
  assert.deepEqual(sat.figures, { choice: 'saturated', openLoopPairs: 0, saturatedPairs: 4, utilisations: [] });
  assert.equal(
    describeFigures(open.figures ?? assert.fail()),
    'figures: open-loop (measured at 50 % utilisation) for 2 of 4 (host type, function) pairs, saturated for 2 without them',
  );
  assert.match(describeFigures(sat.figures ?? assert.fail()), /^figures: saturated \(E_ij, W_ij\) for all 4/);
});

test('the planning model keeps the bags’ relative spread around the open-loop figures (robust plans)', () => {
  const m = planningModel(models.hostTypes.x?.functions.f ?? assert.fail());
  assert.equal(m.execPerSecPerCore, 5);
  assert.equal(m.energyPerExecJ, 2);
  assert.deepEqual(m.spread?.execPerSecPerCore.perBag, [4, 5, 6]);
  assert.equal(m.spread?.execPerSecPerCore.cv, 0.2);
  assert.equal(m.spread?.energyPerExecJ.median, 2);
  // The saturated figures stay in the models themselves.
  assert.equal(models.hostTypes.x?.functions.f?.execPerSecPerCore, 10);
  // Robust planning on the 10 % quantile of the scaled per-bag speeds: fewer exec/s than 5, more cores.
  const open = buildProblem(hosts, models, demands);
  const robust = robustProblem(open, 0.1);
  assert.ok((robust.cores[0]?.[0] ?? 0) >= (open.cores[0]?.[0] ?? Infinity));
});

test('energy-aware places on the open-loop energy and predicts it; saturated figures give the other host', async () => {
  const minizinc = { solver: 'gecode' as const, backend: 'native' as const, timeLimitMs: 20_000 };
  for (const opts of [{ solver: 'auto' as const }, { solver: 'heuristic' as const }, minizinc, { split: true }]) {
    const onSat = await plan(buildProblem(hosts, models, demands, { figures: 'saturated' }), 'energy-aware', opts);
    const onOpen = await plan(buildProblem(hosts, models, demands), 'energy-aware', opts);
    const fSat = onSat.assignments.filter((a) => a.function === 'f');
    const fOpen = onOpen.assignments.filter((a) => a.function === 'f');
    assert.deepEqual(
      fSat.map((a) => [a.host, a.cores]),
      [['x1', 1]],
      JSON.stringify(opts),
    );
    assert.deepEqual(
      fOpen.map((a) => [a.host, a.cores]),
      [['a1', 2]],
      JSON.stringify(opts),
    );
    assert.equal(onSat.predictedPowerW, 15, JSON.stringify(opts)); // 10 W f + 5 W g
    assert.equal(onOpen.predictedPowerW, 20, JSON.stringify(opts)); // 15 W f + 5 W g
  }
});
