// The simulator's accounting and its randomness: with the truth equal to the models and no
// interference, energy is exactly Σ idle + Σ W·R of the plan over the duration; the same seed gives
// the same records, another seed other arrivals; an under-provisioned function is reported as
// missing its rate, by name and with the reason; Poisson draws have the right mean and variance.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { PolicyName } from '../placement/plan.js';
import { POLICIES } from '../placement/plan.js';
import { deriveMixRates } from '../workload/mixes.js';
import { loadModelsFile } from '../workload/parse.js';
import type { Models } from '../workload/types.js';
import { CellRunner, type CellSpec, type SimulationSetup } from './cells.js';
import { loadClusterFile, type ClusterHost } from './cluster.js';
import { simulate } from './engine.js';
import { parseInterference } from './interference.js';
import { buildCells } from './matrix.js';
import { Rng } from './random.js';

const root = resolve(fileURLToPath(import.meta.url), '../../../../../');
const pair = loadClusterFile(resolve(root, 'examples/cluster-paper-pair.yaml'));
const models = loadModelsFile(resolve(root, 'examples/models-simulation.yaml'));

function setup(
  over: Partial<SimulationSetup> & { seed?: number; durationS?: number; arrivals?: 'poisson' | 'constant' } = {},
  m: Models = models,
): SimulationSetup {
  const seed = over.seed ?? 7;
  return {
    models: m,
    truth: { seed, useSpread: true, modelErrorCv: 0 },
    interference: { kind: 'none' },
    engine: { durationS: over.durationS ?? 120, seed, arrivals: over.arrivals ?? 'constant', queueLimitS: 10, seriesLimit: 1000 },
    rateTolerance: 0.02,
    planOptions: { solver: 'fast', timeLimitMs: 5000 },
    simulationId: 'sim-test',
    startedAt: '2026-12-06T00:00:00Z',
    inputs: {},
    ...over,
  };
}

describe('simulation engine', () => {
  test('no model error, no interference, models without spread or open-loop figures (plan and truth on the same figures): energy = Σ idle + Σ W·R of the plan over the duration (every policy, 0.1 %)', async () => {
    // The precondition, checked: the truth can only equal the plan's figures if nothing draws it elsewhere.
    assert.ok(
      Object.values(models.hostTypes).every((t) => Object.values(t.functions).every((f) => f.spread === undefined && f.openLoop === undefined)),
      'examples/models-simulation.yaml carries no spread and no open-loop figures',
    );
    const runner = new CellRunner(setup({ durationS: 300 }));
    const cells = buildCells({ cluster: pair, mixes: ['general', 'web-dominated'], policies: [...POLICIES], loads: [0.3, 0.8] });
    let checked = 0;
    for (const c of cells) {
      const o = await runner.run(c);
      if (!o.record) continue;
      const r = o.record;
      // Σ idle of the hosts that are on + Σ W_ij R_j of the plan, straight from the plan and the models.
      const on = r.hosts.filter((h) => !h.parked);
      const idleW = on.reduce((s, h) => s + (models.hostTypes[h.type]?.idlePowerW ?? 0), 0);
      const dynW = o.plan.assignments.reduce((s, a) => s + a.powerW, 0);
      const expected = (idleW + dynW) * r.durationS;
      assert.ok(Math.abs(r.energyJ - expected) / expected < 0.001, `${c.mix} ${c.policy} ${c.load}: ${r.energyJ} vs ${expected}`);
      assert.equal(r.metRates, true, `${c.mix} ${c.policy} ${c.load}`);
      assert.equal(r.kind, 'simulated');
      assert.equal(r.energyQuality, 'simulated');
      checked++;
    }
    assert.ok(checked >= 20, `only ${checked} cells had a plan`);
  });

  test('Poisson arrivals: energy within 1 % of Σ idle + Σ W·R over 600 s', async () => {
    const runner = new CellRunner(setup({ durationS: 600, arrivals: 'poisson' }));
    const [cell] = buildCells({ cluster: pair, mixes: ['general'], policies: ['energy-aware'], loads: [0.5] });
    const o = await runner.run(cell as CellSpec);
    const r = o.record;
    assert.ok(r, 'r');
    const idleW = r.hosts.filter((h) => !h.parked).reduce((s, h) => s + (models.hostTypes[h.type]?.idlePowerW ?? 0), 0);
    const expected = (idleW + o.plan.predictedPowerW) * 600;
    assert.ok(Math.abs(r.energyJ - expected) / expected < 0.01, `${r.energyJ} vs ${expected}`);
    assert.equal(r.metRates, true);
  });

  test('seeded: the same seed gives the same records, another seed other arrivals and truth', async () => {
    const run = async (seed: number): Promise<string[]> => {
      const runner = new CellRunner(setup({ seed, arrivals: 'poisson', truth: { seed, useSpread: true, modelErrorCv: 0.2 } }));
      const out: string[] = [];
      for (const c of buildCells({ cluster: pair, mixes: ['general'], policies: ['rr', 'energy-aware'], loads: [0.5] })) {
        const o = await runner.run(c);
        const { inputs: _inputs, ...rest } = o.record ?? ({} as never);
        out.push(JSON.stringify(rest));
      }
      return out;
    };
    const a = await run(11);
    assert.deepEqual(await run(11), a);
    assert.notDeepEqual(await run(12), a);
  });

  test('an under-provisioned function misses its rate, named with the reason; the others meet theirs', async () => {
    // Memory-bound interference at 60 %: the scientific functions, packed together, run slower than planned.
    const runner = new CellRunner(setup({ interference: parseInterference('memory-bound:60:scientific') }));
    const [cell] = buildCells({ cluster: pair, mixes: ['scientific-dominated'], policies: ['core-aware'], loads: [0.8] });
    const o = await runner.run(cell as CellSpec);
    const r = o.record;
    assert.ok(r, 'r');
    assert.equal(r.metRates, false);
    const missed = r.functions.filter((f) => !f.metRate);
    assert.ok(missed.length > 0, 'missed.length > 0');
    for (const f of missed) {
      assert.equal(models.categories[f.name], 'scientific', f.name);
      assert.match(f.reason ?? '', /true capacity .* interference ×0\.\d+/);
      assert.ok(f.achievedRps < 0.98 * f.offeredRps, 'f.achievedRps < 0.98 * f.offeredRps');
    }
    for (const f of r.functions.filter((x) => models.categories[x.name] !== 'scientific')) assert.equal(f.metRate, true, f.name);
  });

  test('engine: capacity below the rate -> backlog, drops at the queue bound, seconds behind', () => {
    const r = simulate(
      [{ id: 'h', idlePowerW: 10, on: true }],
      [
        { name: 'slow', host: 0, rateRps: 100, capacityRps: 80, energyPerExecJ: 0.5, coreSecondsPerExec: 0.01 },
        { name: 'ok', host: 0, rateRps: 10, capacityRps: 20, energyPerExecJ: 1, coreSecondsPerExec: 0.05 },
      ],
      { durationS: 100, seed: 1, arrivals: 'constant', queueLimitS: 2, seriesLimit: 0 },
    );
    const [slow, ok] = r.functions;
    assert.ok(slow && ok, 'slow && ok');
    assert.equal(slow.achieved, 8000);
    assert.equal(slow.offered, 10000);
    // The queue (bounded at 2 s x 100 req/s before service) grows by 20/s until arrivals beyond
    // the bound are dropped; after each second's service 200 - 80 are left waiting.
    assert.equal(slow.backlogEnd, 120);
    assert.equal(slow.drops, 10000 - 8000 - 120);
    assert.ok(slow.secondsBehind > 80, 'slow.secondsBehind > 80');
    assert.equal(ok.secondsBehind, 0);
    // Host: 10 W idle + 80 x 0.5 + 10 x 1 = 60 W over 100 s.
    assert.equal(r.energyJ, 6000);
    assert.equal(r.series, undefined);
  });

  test('a host parked by the plan (energy-aware-whole) draws nothing', async () => {
    const runner = new CellRunner(setup());
    const [cell] = buildCells({ cluster: pair, mixes: ['general'], policies: ['energy-aware-whole'], loads: [0.2] });
    const r = (await runner.run(cell as CellSpec)).record;
    assert.ok(r, 'r');
    const parked = r.hosts.filter((h) => h.parked);
    assert.equal(parked.length, 1, 'at 20 % load one host of the pair is enough');
    assert.equal(parked[0]?.energyJ, 0);
    assert.equal(parked[0]?.predictedEnergyJ, 0);
  });

  test('hosts parked in the cluster file are not planned on and draw nothing', async () => {
    const hosts: ClusterHost[] = [...pair.hosts.map((h) => ({ ...h })), { id: 'xeon-2', type: 'xeon-gold-5318y', arch: 'x86_64', cores: 46, parked: true }];
    const runner = new CellRunner(setup());
    const policies: PolicyName[] = ['rr', 'x86-first'];
    for (const policy of policies) {
      const r = (await runner.run({ mix: 'general', load: 0.5, policy, hosts, groupKey: 'parked' })).record;
      assert.ok(r, 'r');
      const x2 = r.hosts.find((h) => h.id === 'xeon-2');
      assert.ok(x2 && x2.parked && x2.energyJ === 0 && x2.coresUsed === 0, 'x2 && x2.parked && x2.energyJ === 0 && x2.coresUsed === 0');
    }
  });
});

describe('replicas', () => {
  test('a function larger than a host is split into replicas and merged back into one result with several placements', async () => {
    const twenty = loadClusterFile(resolve(root, 'examples/cluster-20.yaml'));
    const runner = new CellRunner(setup({ durationS: 30, maxReplicaCores: 46 }));
    const [cell] = buildCells({ cluster: twenty, mixes: ['crypto-dominated'], policies: ['energy-aware'], loads: [0.6] });
    const { problem } = runner.problemFor(cell as CellSpec);
    const rates = deriveMixRates('crypto-dominated', 0.6, undefined, twenty.hosts, models);
    assert.ok(
      problem.functions.some((f) => f.name.includes('#')),
      'something was split',
    );
    // With --max-replica-cores 46 every replica fits the smallest host on every host type.
    for (let i = 0; i < problem.hosts.length; i++) for (const a of problem.cores[i] ?? []) assert.ok(a === null || a <= 46, `replica of ${a} cores`);
    const o = await runner.run(cell as CellSpec);
    const r = o.record;
    assert.ok(r, 'a plan');
    assert.deepEqual(r.functions.map((f) => f.name).sort(), rates.map((f) => f.name).sort());
    for (const f of r.functions) {
      const want = rates.find((x) => x.name === f.name)?.rateRps ?? 0;
      assert.ok(Math.abs(f.requestedRps - want) < 0.01, `${f.name}: ${f.requestedRps} vs ${want}`);
    }
    assert.ok(
      r.functions.some((f) => f.placement.length > 1),
      'a function on several hosts',
    );
    // xeon-10 has its own idle power in the cluster file (120 W, not its type's 95 W).
    const idleOf = (id: string, type: string): number => twenty.hosts.find((h) => h.id === id)?.idlePowerW ?? models.hostTypes[type]?.idlePowerW ?? 0;
    const idleW = r.hosts.filter((h) => !h.parked).reduce((s, h) => s + idleOf(h.id, h.type), 0);
    const expected = (idleW + o.plan.predictedPowerW) * 30;
    assert.ok(Math.abs(r.energyJ - expected) / expected < 0.001, `${r.energyJ} vs ${expected}`);
  });
});

describe('random', () => {
  for (const mean of [0.3, 4, 25, 1000]) {
    test(`Poisson(${mean}): mean and variance within 3 % (20,000 draws)`, () => {
      const rng = new Rng(5, `p${mean}`);
      let s = 0;
      let s2 = 0;
      const n = 20_000;
      for (let k = 0; k < n; k++) {
        const x = rng.poisson(mean);
        assert.ok(Number.isInteger(x) && x >= 0, 'Number.isInteger(x) && x >= 0');
        s += x;
        s2 += x * x;
      }
      const m = s / n;
      const v = s2 / n - m * m;
      assert.ok(Math.abs(m - mean) / mean < 0.03, `mean ${m}`);
      assert.ok(Math.abs(v - mean) / mean < 0.05, `variance ${v}`);
    });
  }
  test('streams are keyed by name and seed', () => {
    assert.equal(new Rng(1, 'a').next(), new Rng(1, 'a').next());
    assert.notEqual(new Rng(1, 'a').next(), new Rng(1, 'b').next());
    assert.notEqual(new Rng(1, 'a').next(), new Rng(2, 'a').next());
  });
});

test('per-second co-location noise: a function planned without headroom falls behind, one with headroom keeps up', () => {
  const hosts = [{ id: 'h', idlePowerW: 0, on: true }];
  const fn = (name: string, capacityRps: number) => ({ name, host: 0, rateRps: 100, capacityRps, energyPerExecJ: 1, coreSecondsPerExec: 0.01 });
  const opts = { durationS: 600, seed: 3, arrivals: 'constant' as const, queueLimitS: 10, seriesLimit: 0 };
  const quiet = simulate(hosts, [fn('tight', 100)], opts);
  assert.equal(quiet.functions[0]?.secondsBehind, 0, 'no noise: capacity = rate keeps up');
  const noisy = simulate(hosts, [fn('tight', 100), fn('roomy', 140)], { ...opts, speedNoiseCv: 0.15 });
  assert.ok((noisy.functions[0]?.secondsBehind ?? 0) > 60, `no headroom: behind in many seconds (${noisy.functions[0]?.secondsBehind})`);
  assert.equal(noisy.functions[1]?.secondsBehind, 0, '40 % headroom absorbs 15 % noise');
  // The same seed, the same noise (robust and plain plans are compared on it).
  assert.deepEqual(simulate(hosts, [fn('tight', 100)], { ...opts, speedNoiseCv: 0.15 }).functions[0], noisy.functions[0]);
});
