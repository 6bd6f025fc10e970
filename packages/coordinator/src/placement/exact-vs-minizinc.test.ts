// The in-process exact path against the real MiniZinc solver, on random instances of the seed's size
// (up to 22 functions on 1-2 hosts, capacity from tight to loose): whatever proves a plan optimal
// in-process (the Lagrangian lower bound meeting the heuristic's plan, or the branch and bound) must
// reach the optimum MiniZinc (native Gecode) proves, and the default solver ('auto') must say what
// proved its plan. These are the instances `isawatt plan` answers without starting MiniZinc.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { hasNativeMiniZinc, shutdownMiniZinc } from './minizinc-solver.js';
import type { Plan } from './plan.js';
import { plan } from './planner.js';
import { buildProblem } from './problem.js';
import { randomInstance, rng } from './random-instances.test-support.js';

const INSTANCES = 30;
const close = (a: number, b: number, tol: number): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));

function instance(seed: number): ReturnType<typeof buildProblem> {
  const base = randomInstance(seed, 2, 22);
  const r = rng(seed * 31 + 7);
  // randomInstance's hosts (2-12 cores) rarely fit 20 functions: scale capacity by 2-8.
  const scale = 2 + Math.floor(r() * 7);
  const hosts = base.hosts.map((h) => ({ ...h, cores: h.cores * scale }));
  return buildProblem(hosts, base.models, base.demands);
}

function objective(p: Plan): number {
  assert.ok(p.objective !== null);
  return p.objective;
}

describe('in-process exact plans equal MiniZinc optima', { skip: hasNativeMiniZinc() ? false : 'no minizinc binary on PATH' }, () => {
  after(() => shutdownMiniZinc());

  test(`${INSTANCES} random instances up to 22 x 2, three policies`, async () => {
    let provenInProcess = 0;
    let compared = 0;
    for (let seed = 1; seed <= INSTANCES; seed++) {
      const problem = instance(seed);
      for (const policy of ['energy-aware', 'energy-aware-whole', 'core-aware'] as const) {
        const label = `seed ${seed} ${policy} (${problem.functions.length} x ${problem.hosts.length})`;
        const mzn = await plan(problem, policy, { solver: 'gecode', backend: 'native', timeLimitMs: 20_000 });
        const bnb = await plan(problem, policy, { solver: 'bnb', timeLimitMs: 20_000 });
        const auto = await plan(problem, policy, { solver: 'auto', backend: 'native', timeLimitMs: 20_000 });
        // Gecode may not prove an optimum within the limit on a loaded machine: nothing to compare then.
        if (mzn.status === 'feasible' || mzn.status === 'timeout') continue;
        compared++;
        assert.equal(bnb.status, mzn.status, `${label}: branch and bound ${bnb.status}, MiniZinc ${mzn.status}`);
        if (mzn.status !== 'optimal') continue;
        assert.ok(mzn.provenBy !== undefined, `${label}: MiniZinc's plan says what proved it`);
        // MiniZinc's energy is scaled to integers: equal within n/scale watts (µW here).
        assert.ok(close(objective(bnb), objective(mzn), 1e-5), `${label}: branch and bound ${objective(bnb)} != MiniZinc ${objective(mzn)}`);
        assert.equal(auto.status, 'optimal', label);
        assert.ok(close(objective(auto), objective(mzn), 1e-5), `${label}: auto ${objective(auto)} != MiniZinc ${objective(mzn)}`);
        if (auto.provenBy === 'lower bound') provenInProcess++;
        else assert.match(auto.solver, /minizinc|heuristic \(better/, `${label}: auto's plan was not proven in-process, so MiniZinc ran`);
      }
    }
    // Not a figure to meet, a check that the comparison covers the in-process proof at all.
    assert.ok(provenInProcess > 0, 'no instance was proven optimal by the lower bound alone');
    assert.ok(compared >= INSTANCES, `only ${compared} of ${3 * INSTANCES} plans had a MiniZinc optimum to compare with`);
  });
});
