// Property tests of split placement (--split) on seeded random small instances: every plan keeps
// to capacity, every function's shares add up to its rate and each share has ceil(share / E_ij)
// cores or more; a split plan exists whenever a whole-function plan does; the relaxation's bound
// never exceeds the whole-function optimum (a whole plan is a split plan); and on a subset the
// split model (MiniZinc, HiGHS) is optimal: never above the whole-function optimum, never below
// the bound, never above the heuristic's plan.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { lowerBound } from './bounds.js';
import { shutdownMiniZinc } from './minizinc-solver.js';
import type { Plan, PolicyName } from './plan.js';
import { plan } from './planner.js';
import { bruteForce, randomInstance, type RandomInstance } from './random-instances.test-support.js';
import { toRelaxedInstance, toSplitInstance } from './split.js';

const INSTANCES = 300;
const MINIZINC_SUBSET = 6;
const REPLICA_COST = 0.5;

function checkSplitPlan(inst: RandomInstance, p: Plan, label: string): void {
  if (p.status !== 'optimal' && p.status !== 'feasible') return;
  assert.ok(p.split, `${label}: split plans say so`);
  const used = new Map<string, number>();
  for (const d of inst.demands) {
    const shares = p.assignments.filter((a) => a.function === d.name);
    assert.ok(shares.length >= 1, `${label}: ${d.name} placed`);
    assert.equal(new Set(shares.map((a) => a.host)).size, shares.length, `${label}: one replica per host`);
    const sum = shares.reduce((s, a) => s + a.rateRps, 0);
    assert.ok(Math.abs(sum - d.rateRps) <= 1e-6 * d.rateRps, `${label}: shares of ${d.name} add up to ${sum}, not ${d.rateRps}`);
    for (const a of shares) {
      const host = inst.hosts.find((h) => h.id === a.host);
      const model = host && inst.models.hostTypes[host.type]?.functions[a.function];
      assert.ok(model, `${label}: ${a.function} on ${a.host} without a model`);
      assert.ok(a.rateRps > 0, `${label}: empty share`);
      assert.ok(
        a.cores >= Math.ceil(a.rateRps / model.execPerSecPerCore - 1e-9),
        `${label}: ${a.function} on ${a.host}: ${a.cores} cores for ${a.rateRps} req/s`,
      );
      used.set(a.host, (used.get(a.host) ?? 0) + a.cores);
    }
  }
  for (const h of inst.hosts) assert.ok((used.get(h.id) ?? 0) <= h.cores, `${label}: host ${h.id} over capacity`);
}

const wholeOptimum = (bf: ReturnType<typeof bruteForce>, policy: string): number =>
  policy === 'core-aware' ? bf.minCores : policy === 'energy-aware' ? bf.minPowerW : bf.minWholeW;

describe('split placement properties on random small instances', () => {
  after(() => shutdownMiniZinc());

  test(`heuristic and rule split plans are valid, exist whenever a whole plan does, bound below the whole optimum (${INSTANCES} instances)`, async () => {
    let splitOnly = 0;
    for (let seed = 1; seed <= INSTANCES; seed++) {
      const inst = randomInstance(seed);
      const bf = bruteForce(inst.problem);
      for (const policy of ['rr', 'x86-first', 'arm-first', 'core-aware', 'energy-aware', 'energy-aware-whole'] as PolicyName[]) {
        const label = `seed ${seed} ${policy} split`;
        const p = await plan(inst.problem, policy, { solver: 'heuristic', split: true, replicaCost: REPLICA_COST });
        checkSplitPlan(inst, p, label);
        const isRule = policy === 'rr' || policy === 'x86-first' || policy === 'arm-first';
        if (p.status === 'infeasible' || p.status === 'timeout') assert.ok(p.reasons.length > 0, `${label}: reasons given`);
        if (!isRule && bf.minCores !== Infinity)
          assert.ok(p.assignments.length > 0, `${label}: whole plan exists but split found none (${p.reasons.join('; ')})`);
        if (!isRule && bf.minCores === Infinity && p.assignments.length > 0) splitOnly++;
        if (!isRule) {
          const opt = wholeOptimum(bf, policy);
          const b = lowerBound(toRelaxedInstance(toSplitInstance(inst.problem, policy, REPLICA_COST))).bound;
          if (opt !== Infinity) assert.ok(b <= opt + 1e-6 * Math.max(1, opt), `${label}: bound ${b} above the whole optimum ${opt}`);
          if (p.objective !== null) assert.ok(b <= p.objective + 1e-6 * Math.max(1, p.objective), `${label}: bound ${b} above the plan ${p.objective}`);
        }
      }
    }
    // Split must rescue some instances that have no whole-function plan (functions too big for any host).
    assert.ok(splitOnly > 0, 'some instances are feasible only with split');
  });

  test(`the split model (MiniZinc HiGHS) is optimal: never above the whole optimum or the heuristic, never below the bound (${MINIZINC_SUBSET} instances)`, async () => {
    let checked = 0;
    for (let seed = 2000; checked < MINIZINC_SUBSET; seed++) {
      const inst = randomInstance(seed, 3, 5);
      const bf = bruteForce(inst.problem);
      if (bf.minCores === Infinity) continue;
      for (const policy of ['core-aware', 'energy-aware', 'energy-aware-whole'] as const) {
        const label = `seed ${seed} ${policy} split (minizinc)`;
        const exact = await plan(inst.problem, policy, { solver: 'highs', backend: 'wasm', split: true, replicaCost: REPLICA_COST, timeLimitMs: 30_000 });
        checkSplitPlan(inst, exact, label);
        assert.equal(exact.status, 'optimal', `${label}: ${exact.reasons.join('; ')}`);
        const opt = wholeOptimum(bf, policy);
        const obj = exact.objective ?? NaN;
        assert.ok(obj <= opt + 1e-6 * Math.max(1, opt), `${label}: ${obj} above the whole optimum ${opt}`);
        const heur = await plan(inst.problem, policy, { solver: 'heuristic', split: true, replicaCost: REPLICA_COST });
        assert.ok((heur.objective ?? Infinity) >= obj - 1e-4 * Math.max(1, obj), `${label}: heuristic ${heur.objective} below the proven optimum ${obj}`);
        const b = lowerBound(toRelaxedInstance(toSplitInstance(inst.problem, policy, REPLICA_COST))).bound;
        assert.ok(b <= obj + 1e-6 * Math.max(1, obj), `${label}: bound ${b} above the optimum ${obj}`);
      }
      checked++;
    }
  });
});
