// The planner for split placement (--split) under the optimising policies: static analysis, the
// relaxation's lower bound, the split heuristic (seeded with the whole-function heuristic's plan),
// then, as for whole functions, MiniZinc (minizinc/placement-split.mzn, a MIP with continuous rate
// shares) on instances up to AUTO_EXACT_MAX_CELLS cells unless the heuristic is already proven
// optimal. MiniZinc answers cores per host; the shares are re-derived from them cheapest host
// first (allocateShares), so the solver's float round-off never reaches a plan.
import { ConfigError, errorMessage } from '@isawatt/common';
import { lowerBound } from './bounds.js';
import { diagnoseSplitInfeasibility } from './diagnose.js';
import { toInstance, type OptPolicy } from './instance.js';
import { fromMiniZincCores, toSplitMiniZincData } from './minizinc-data.js';
import { runMiniZinc, type MiniZincSolverName } from './minizinc-solver.js';
import type { MoveTerms } from './moves.js';
import { emptyPlan, type Plan } from './plan.js';
import type { PlacementProblem } from './problem.js';
import { AUTO_EXACT_MAX_CELLS, checkNativeSolver, DEFAULT_TIME_LIMIT_MS, resolveMiniZinc, type PlanOptions } from './solver-choice.js';
import { solveSplitHeuristic, type SplitHeuristicResult } from './split-heuristic.js';
import { makeSplitPlan } from './split-plan.js';
import { allocateShares, DEFAULT_REPLICA_COST, splitObjective, toRelaxedInstance, toSplitInstance, type Part, type SplitInstance } from './split.js';

/** Replicas of the parts on hosts that do not run the function now. */
function movesOf(terms: MoveTerms | undefined, n: number, parts: readonly Part[]): number {
  return terms ? parts.filter((q) => terms.isMove[q.i * n + q.j] === 1).length : 0;
}

/** The split heuristic under a cap on moves: moves are priced higher (doubling) until the plan keeps to the cap. */
function heuristicWithinMoves(
  si: SplitInstance,
  p: PlacementProblem,
  policy: OptPolicy,
  terms: MoveTerms | undefined,
  budgetMs: number,
  lambda: Float64Array,
): SplitHeuristicResult {
  const whole = toInstance(p, policy, policy === 'core-aware' ? undefined : si.openPrice);
  const first = solveSplitHeuristic(si, { budgetMs, whole, lambda });
  if (!terms || terms.maxMoves === undefined || !first.parts || movesOf(terms, si.n, first.parts) <= terms.maxMoves) return first;
  let scale = 1e-3;
  for (let k = 0; k < si.n; k++) {
    for (let i = 0; i < si.m; i++)
      scale = Math.max(scale, si.corePrice * (si.cap[i] as number) + (si.ratePrice[i * si.n + k] as number) * (si.rate[k] as number));
  }
  const deadline = performance.now() + budgetMs;
  for (let penalty = scale / 8, k = 0; k < 30 && performance.now() < deadline; k++, penalty *= 2) {
    const openPrice = si.openPrice.slice();
    for (let c = 0; c < openPrice.length; c++) if (terms.isMove[c]) openPrice[c] = (openPrice[c] as number) + penalty;
    const sp = { ...si, openPrice };
    const r = solveSplitHeuristic(sp, {
      budgetMs: Math.max(1, (deadline - performance.now()) / 4),
      whole: toInstance(p, policy, policy === 'core-aware' ? undefined : openPrice),
    });
    if (r.parts && movesOf(terms, si.n, r.parts) <= terms.maxMoves) return { ...r, objective: splitObjective(si, r.parts) };
  }
  return { parts: null, objective: Infinity, unplaced: [] };
}

export async function planSplit(p: PlacementProblem, policy: OptPolicy, opts: PlanOptions): Promise<Plan> {
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  const timeLimitMs = opts.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  const solver = opts.solver ?? 'auto';
  if (solver === 'bnb')
    throw new ConfigError(['--split: the in-process branch and bound has no split form; use --solver auto, heuristic, highs or cbc'], 'solver options');
  if (solver === 'chuffed')
    throw new ConfigError(['--split: the split model has continuous rate shares, which Chuffed does not support; use highs or cbc'], 'solver options');
  const replicaCost = opts.replicaCost ?? DEFAULT_REPLICA_COST;
  if (!(replicaCost >= 0) || !Number.isFinite(replicaCost))
    throw new ConfigError([`--replica-cost: expected a number >= 0, got ${replicaCost}`], 'solver options');
  const reasons = diagnoseSplitInfeasibility(p);
  if (reasons.length) return emptyPlan(policy, 'infeasible', 'analysis', elapsed(), reasons);

  const terms = opts.moves;
  const si = toSplitInstance(p, policy, replicaCost, policy === 'core-aware' ? undefined : terms?.openPrice);
  const n = si.n;
  const relaxed = toRelaxedInstance(si);
  const quickMs = Math.min(timeLimitMs / 4, 1500);
  const heuristicOnly = solver === 'heuristic' || (solver === 'auto' && n * si.m > AUTO_EXACT_MAX_CELLS);
  const b1 = lowerBound(relaxed, { budgetMs: quickMs / 3 });
  const heur = heuristicWithinMoves(si, p, policy, terms, heuristicOnly ? Math.min(timeLimitMs / 2, 5000) : quickMs / 3, b1.lambda);
  const b2 = lowerBound(relaxed, { budgetMs: quickMs / 3, upperBound: heur.parts ? heur.objective : undefined });
  let bound = Math.max(b1.bound, b2.bound);
  let best = heur.parts;
  let bestV = heur.objective;
  let bestSolver = 'split-heuristic';
  let proven = best !== null && bestV <= bound + 1e-9 * Math.max(1, Math.abs(bound));
  let provenInfeasible = false;
  const notes: string[] = [];

  const useExact = solver === 'auto' ? !proven && n * si.m <= AUTO_EXACT_MAX_CELLS : solver !== 'heuristic';
  if (useExact) {
    const mzn = resolveMiniZinc(opts.backend ?? 'auto', solver as MiniZincSolverName | 'auto');
    checkNativeSolver(mzn);
    const tag = `minizinc-${mzn.backend}/${mzn.solver}`;
    try {
      const r = await runMiniZinc(toSplitMiniZincData(si, policy, terms), { ...mzn, timeLimitMs, signal: opts.signal, model: 'placement-split' });
      const out = r.output?.cores_out;
      if (out !== undefined && out !== null) {
        const parts: Part[] = [];
        let ok = true;
        fromMiniZincCores(out, n, si.m).forEach((cores, j) => {
          const got = allocateShares(si, j, cores);
          if (got) parts.push(...got);
          else ok = false;
        });
        if (!ok) notes.push(`${tag}: its cores do not carry every rate (ignored)`);
        else {
          const v = splitObjective(si, parts);
          if (!best || v <= bestV + 1e-9 * Math.max(1, Math.abs(bestV))) {
            best = parts;
            bestV = v;
            bestSolver = tag;
          } else bestSolver = `split-heuristic (better than ${tag})`;
        }
      }
      // Proven optimal: the plan (the MIP's cores, shares re-derived cheapest first, never dearer) is the optimum.
      if (r.status === 'OPTIMAL_SOLUTION') proven = best !== null;
      else if (r.status === 'UNSATISFIABLE') provenInfeasible = true;
      else notes.push(`${tag}: optimality not proven within ${timeLimitMs} ms${r.note ? ` (${r.note})` : ''}`);
      const ob = r.statistics.objectiveBound;
      if (typeof ob === 'number' && Number.isFinite(ob)) bound = Math.max(bound, Math.min(ob, bestV));
    } catch (err) {
      notes.push(`${tag} failed: ${errorMessage(err)}`);
    }
  }

  const solveTimeMs = elapsed();
  if (best) {
    const plan = makeSplitPlan(p, policy, si, best, { status: proven ? 'optimal' : 'feasible', solver: bestSolver, bound, solveTimeMs, isMove: terms?.isMove });
    return { ...plan, reasons: notes };
  }
  if (provenInfeasible) {
    return emptyPlan(policy, 'infeasible', `minizinc`, solveTimeMs, ['no split assignment fits (proven by MiniZinc)', ...notes]);
  }
  const cap = terms?.maxMoves !== undefined ? ` within ${terms.maxMoves} moves` : '';
  return emptyPlan(policy, 'timeout', solver, solveTimeMs, [`no split plan found${cap} within ${timeLimitMs} ms (not proven infeasible)`, ...notes], bound);
}
