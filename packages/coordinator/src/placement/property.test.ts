// Property tests on hundreds of seeded random small instances, against brute force:
// energy-aware = minimum power, core-aware = minimum cores, energy-aware-whole = minimum power plus
// idle power of used hosts; no policy exceeds a capacity; every A_j is ceil(R_j / E_ij); bounds
// never exceed the optimum; "infeasible" only when brute force finds nothing. The bulk runs the
// in-process branch and bound and heuristic; a subset runs native MiniZinc (Gecode) when installed.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { lowerBound } from './bounds.js';
import { toInstance } from './instance.js';
import { hasNativeMiniZinc, shutdownMiniZinc } from './minizinc-solver.js';
import type { Plan, PolicyName } from './plan.js';
import { plan } from './planner.js';
import { bruteForce, randomInstance, type RandomInstance } from './random-instances.test-support.js';

const INSTANCES = 300;
const MINIZINC_SUBSET = 12;
const close = (a: number, b: number, tol = 1e-6): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));

/** Checks what holds for every plan: capacity, A_j = ceil(R_j / E_ij), one host per function. */
function checkPlan(inst: RandomInstance, p: Plan, label: string): void {
  if (p.status !== 'optimal' && p.status !== 'feasible') return;
  assert.equal(p.assignments.length, inst.demands.length, `${label}: one assignment per function`);
  const used = new Map<string, number>();
  for (const a of p.assignments) {
    const host = inst.hosts.find((h) => h.id === a.host);
    const demand = inst.demands.find((d) => d.name === a.function);
    assert.ok(host && demand, `${label}: known host and function`);
    const model = inst.models.hostTypes[host.type]?.functions[a.function];
    assert.ok(model, `${label}: ${a.function} placed on ${host.id} without a model`);
    assert.equal(a.cores, Math.ceil(demand.rateRps / model.execPerSecPerCore), `${label}: A_j = ceil(R_j/E_ij) for ${a.function}`);
    used.set(a.host, (used.get(a.host) ?? 0) + a.cores);
  }
  for (const h of inst.hosts) assert.ok((used.get(h.id) ?? 0) <= h.cores, `${label}: host ${h.id} over capacity`);
}

function expectOptimum(p: Plan, optimum: number, label: string, tol = 1e-6): void {
  if (optimum === Infinity) {
    assert.equal(p.status, 'infeasible', `${label}: brute force finds no plan, got ${p.status}`);
    assert.ok(p.reasons.length > 0, `${label}: infeasible plans say why`);
    return;
  }
  assert.equal(p.status, 'optimal', `${label}: expected optimal, got ${p.status} (${p.reasons.join('; ')})`);
  assert.ok(p.objective !== null && close(p.objective, optimum, tol), `${label}: objective ${p.objective} != brute force ${optimum}`);
}

describe('placement properties on random small instances', () => {
  after(() => shutdownMiniZinc());

  test(`branch and bound equals brute force on ${INSTANCES} instances (all policies)`, async () => {
    for (let seed = 1; seed <= INSTANCES; seed++) {
      const inst = randomInstance(seed);
      const bf = bruteForce(inst.problem);
      const expected: Record<string, number> = { 'core-aware': bf.minCores, 'energy-aware': bf.minPowerW, 'energy-aware-whole': bf.minWholeW };
      for (const policy of ['core-aware', 'energy-aware', 'energy-aware-whole'] as const) {
        const label = `seed ${seed} ${policy}`;
        const p = await plan(inst.problem, policy, { solver: 'bnb', timeLimitMs: 10_000 });
        checkPlan(inst, p, label);
        expectOptimum(p, expected[policy] as number, label);
        const opt = expected[policy] as number;
        if (opt !== Infinity) {
          const b = lowerBound(toInstance(inst.problem, policy)).bound;
          assert.ok(b <= opt + 1e-6 * Math.max(1, opt), `${label}: bound ${b} above optimum ${opt}`);
        }
      }
    }
  });

  test(`heuristic and rule policies respect capacity and never beat the optimum (${INSTANCES} instances)`, async () => {
    for (let seed = 1; seed <= INSTANCES; seed++) {
      const inst = randomInstance(seed);
      const bf = bruteForce(inst.problem);
      for (const policy of ['rr', 'x86-first', 'arm-first', 'core-aware', 'energy-aware', 'energy-aware-whole'] as PolicyName[]) {
        const label = `seed ${seed} ${policy}`;
        const p = await plan(inst.problem, policy, { solver: 'heuristic' });
        checkPlan(inst, p, label);
        if (p.status === 'infeasible') {
          // Rules may fail where an optimiser succeeds; optimisers only when nothing fits.
          if (policy !== 'rr' && policy !== 'x86-first' && policy !== 'arm-first') assert.equal(bf.minCores, Infinity, `${label}: wrongly infeasible`);
          assert.ok(p.reasons.length > 0, `${label}: reasons given`);
          continue;
        }
        if (p.status === 'timeout') {
          assert.ok(p.reasons.length > 0);
          continue;
        }
        const cores = p.assignments.reduce((s, a) => s + a.cores, 0);
        const power = p.assignments.reduce((s, a) => s + a.powerW, 0);
        assert.ok(cores >= bf.minCores && power >= bf.minPowerW - 1e-9, `${label}: better than brute force?`);
        if (p.bound !== null && p.objective !== null) assert.ok(p.bound <= p.objective + 1e-6 * Math.max(1, p.objective), `${label}: bound above objective`);
      }
    }
  });

  test(
    `native MiniZinc (Gecode) equals brute force on ${MINIZINC_SUBSET} instances`,
    { skip: hasNativeMiniZinc() ? false : 'no minizinc binary on PATH' },
    async () => {
      let checked = 0;
      for (let seed = 1000; checked < MINIZINC_SUBSET; seed++) {
        const inst = randomInstance(seed, 4, 8);
        const bf = bruteForce(inst.problem);
        // Only instances that need a solver count (static analysis answers the rest without MiniZinc).
        if (bf.minCores === Infinity) continue;
        const expected = { 'core-aware': bf.minCores, 'energy-aware': bf.minPowerW, 'energy-aware-whole': bf.minWholeW };
        for (const policy of ['core-aware', 'energy-aware', 'energy-aware-whole'] as const) {
          const p = await plan(inst.problem, policy, { solver: 'gecode', backend: 'native', timeLimitMs: 20_000 });
          checkPlan(inst, p, `seed ${seed} ${policy} (minizinc)`);
          // Energy is scaled to integers for MiniZinc: equal within n/scale watts (µW here).
          expectOptimum(p, expected[policy], `seed ${seed} ${policy} (minizinc)`, 1e-5);
          assert.match(p.solver, /minizinc-native\/gecode|heuristic \(better/, `seed ${seed} ${policy}: MiniZinc ran`);
        }
        checked++;
      }
    },
  );
});
