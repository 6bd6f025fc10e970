// Re-planning with few moves on the seed's setting: plan the 22 x 2 general workload, take that
// plan as the live placement, raise 5 functions' rates by 30 %, and re-plan with at most 3 moves.
// The plan must exist, move at most 3 functions (by the plan's count and by the diff), and its
// objective must be within 2 % of a re-plan without the cap. Also: a cap of 0 keeps every function
// where it is (resizing in place), and a re-plan of an unchanged workload moves nothing.
import assert from 'node:assert/strict';
import { dirname, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadHostsFile, loadModelsFile, loadWorkloadFile } from '../workload/parse.js';
import { resolveWorkload } from '../workload/resolve.js';
import { shutdownMiniZinc } from './minizinc-solver.js';
import { moveTerms } from './moves.js';
import { plan } from './planner.js';
import { buildProblem } from './problem.js';
import { currentHosts, diffCounts, placementDiff, plannedPlacement } from './replan-diff.js';

const EX = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../examples');
const MOVE_PRICE_W = 10 / 3600; // 10 J per move over an hour

describe('re-plan with few moves (22 x 2, +30 % on 5 functions)', () => {
  after(() => shutdownMiniZinc());
  const hosts = loadHostsFile(`${EX}/hosts.yaml`);
  const models = loadModelsFile(`${EX}/models.yaml`);
  const demands = resolveWorkload(loadWorkloadFile(`${EX}/workload-general.yaml`), hosts, models);
  const before = buildProblem(hosts, models, demands);
  const raised = new Set([0, 4, 8, 12, 16].map((k) => demands[k]?.name));
  const after30 = buildProblem(
    hosts,
    models,
    demands.map((d) => (raised.has(d.name) ? { ...d, rateRps: d.rateRps * 1.3 } : d)),
  );

  test('--max-moves 3: feasible, at most 3 moved, objective within 2 % of the unconstrained re-plan', async (t) => {
    assert.equal(before.functions.length, 22);
    assert.equal(before.hosts.length, 2);
    const live0 = await plan(before, 'energy-aware', { timeLimitMs: 30_000 });
    assert.ok(live0.assignments.length === 22, live0.reasons.join('; '));
    const live = plannedPlacement(live0);
    const current = currentHosts(live);
    const capped = await plan(after30, 'energy-aware', { timeLimitMs: 30_000, moves: moveTerms(after30, current, MOVE_PRICE_W, 3) });
    const free = await plan(after30, 'energy-aware', { timeLimitMs: 30_000, moves: moveTerms(after30, current, MOVE_PRICE_W, undefined) });
    assert.ok(capped.status === 'optimal' || capped.status === 'feasible', `capped: ${capped.status} ${capped.reasons.join('; ')}`);
    assert.ok(free.status === 'optimal' || free.status === 'feasible', `free: ${free.status}`);
    assert.ok(capped.moves !== undefined && capped.moves <= 3, `moves ${capped.moves}`);
    const diff = diffCounts(placementDiff(live, plannedPlacement(capped)));
    assert.ok(diff.moved <= 3, `diff says ${diff.moved} moved`);
    assert.equal(diff.added + diff.removed, 0);
    const c = capped.objective ?? Infinity;
    const f = free.objective ?? NaN;
    assert.ok(c <= f * 1.02, `capped ${c} W vs unconstrained ${f} W`);
    assert.ok(c >= f - 1e-6 * f || free.status !== 'optimal', 'the cap cannot beat a proven unconstrained optimum');
    const one = await plan(after30, 'energy-aware', { timeLimitMs: 30_000, moves: moveTerms(after30, current, MOVE_PRICE_W, 1) });
    t.diagnostic(`with --max-moves 1: ${one.status}, ${one.objective?.toFixed(3)} W, ${one.moves} moves`);
    if (one.objective !== null) assert.ok(one.objective >= c - 1e-6 * c || capped.status !== 'optimal', 'a tighter cap is never better than a proven optimum');
    const fresh = await plan(after30, 'energy-aware', { timeLimitMs: 30_000 });
    const freshDiff = diffCounts(placementDiff(live, plannedPlacement(fresh)));
    t.diagnostic(`fresh plan ignoring the live placement: ${fresh.objective?.toFixed(3)} W, ${freshDiff.moved} moved`);
    t.diagnostic(
      `live ${live0.objective?.toFixed(2)} W; capped (3 moves): ${c.toFixed(3)} W, ${capped.moves} moves, ${capped.status} by ${capped.solver}; ` +
        `unconstrained: ${f.toFixed(3)} W, ${free.moves} moves, ${free.status}; +${(((c - f) / f) * 100).toFixed(3)} %; diff ${JSON.stringify(diff)}`,
    );
  });

  test('with --split too: at most 3 new replicas, every rate covered', async () => {
    const live0 = await plan(before, 'energy-aware', { timeLimitMs: 30_000 });
    const live = plannedPlacement(live0);
    const p = await plan(after30, 'energy-aware', { solver: 'heuristic', split: true, moves: moveTerms(after30, currentHosts(live), MOVE_PRICE_W, 3) });
    assert.ok(p.assignments.length >= 22, p.reasons.join('; '));
    assert.ok(p.moves !== undefined && p.moves <= 3, `moves ${p.moves}`);
    for (const f of after30.functions) {
      const sum = p.assignments.filter((a) => a.function === f.name).reduce((s, a) => s + a.rateRps, 0);
      assert.ok(Math.abs(sum - f.rateRps) <= 1e-6 * f.rateRps, `${f.name}: shares ${sum} of ${f.rateRps}`);
    }
  });

  test('--max-moves 0 keeps every function on its host (or proves there is no such plan); an unchanged workload moves nothing', async () => {
    const live0 = await plan(before, 'energy-aware', { timeLimitMs: 30_000 });
    const live = plannedPlacement(live0);
    const same = await plan(before, 'energy-aware', { timeLimitMs: 30_000, moves: moveTerms(before, currentHosts(live), MOVE_PRICE_W, undefined) });
    assert.equal(same.moves, 0);
    assert.equal(diffCounts(placementDiff(live, plannedPlacement(same))).kept, 22);
    // +30 % on 5 functions does not fit where they are: with no move allowed there is no plan.
    const stuck = await plan(after30, 'core-aware', { solver: 'bnb', timeLimitMs: 30_000, moves: moveTerms(after30, currentHosts(live), 0, 0) });
    assert.equal(stuck.status, 'infeasible');
    // Every rate down 30 %: everything stays, the functions shrink in place.
    const lower = buildProblem(
      hosts,
      models,
      demands.map((d) => ({ ...d, rateRps: d.rateRps * 0.7 })),
    );
    const none = await plan(lower, 'core-aware', { solver: 'bnb', timeLimitMs: 30_000, moves: moveTerms(lower, currentHosts(live), 0, 0) });
    assert.ok(none.assignments.length === 22, none.reasons.join('; '));
    assert.equal(none.moves, 0);
    const d = diffCounts(placementDiff(live, plannedPlacement(none)));
    assert.equal(d.moved, 0);
    assert.ok(d.resized >= 1, 'functions are resized in place');
  });
});
