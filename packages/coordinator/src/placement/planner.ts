// The planner: picks the solver for a policy and turns its answer into a Plan with status, time,
// objective and bound. Optimising policies always start with the in-process bound and heuristic
// (fast, any size); an exact solver (MiniZinc or the in-process branch and bound) then improves or
// proves the result within the time limit, and the better of the two plans is returned.
import { ConfigError, errorMessage } from '@isawatt/common';
import { solveBnb } from './bnb.js';
import { lowerBound } from './bounds.js';
import { diagnoseInfeasibility } from './diagnose.js';
import { solveHeuristic, type HeuristicResult } from './heuristic.js';
import { evaluate, toInstance, type OptInstance, type OptPolicy } from './instance.js';
import { fromMiniZincHosts, searchFor, toMiniZincData } from './minizinc-data.js';
import { runMiniZinc, type MiniZincSolverName } from './minizinc-solver.js';
import { countMoves, type MoveTerms } from './moves.js';
import { emptyPlan, makePlan, type Plan, type PolicyName } from './plan.js';
import type { PlacementProblem } from './problem.js';
import { robustProblem } from './robust.js';
import { solveRule } from './rules.js';
import { AUTO_EXACT_MAX_CELLS, checkNativeSolver, DEFAULT_TIME_LIMIT_MS, resolveMiniZinc, type PlanOptions } from './solver-choice.js';
import { planSplit } from './split-planner.js';

export { AUTO_EXACT_MAX_CELLS, BACKENDS, DEFAULT_TIME_LIMIT_MS, defaultMiniZinc, resolveMiniZinc, SOLVERS } from './solver-choice.js';
export type { BackendName, PlanOptions, SolverName } from './solver-choice.js';

export async function plan(problem: PlacementProblem, policy: PolicyName, opts: PlanOptions = {}): Promise<Plan> {
  if (opts.robustQuantile === undefined) return planPolicy(problem, policy, opts);
  const joint = opts.robustJoint === true;
  const p = robustProblem(problem, opts.robustQuantile, joint, opts.robustArrivals);
  const out = await planPolicy(p, policy, opts);
  const robust = {
    quantile: opts.robustQuantile,
    ...(joint ? { joint, functionQuantile: p.functionQuantile } : {}),
    ...(opts.robustArrivals ? { arrivals: opts.robustArrivals } : {}),
  };
  return { ...out, robust, reasons: [...out.reasons, ...p.robustNotes] };
}

async function planPolicy(p: PlacementProblem, policy: PolicyName, opts: PlanOptions): Promise<Plan> {
  if (policy === 'rr' || policy === 'x86-first' || policy === 'arm-first') {
    if (opts.moves)
      throw new ConfigError(
        [`policy ${policy}: a fixed rule cannot re-plan with few moves (use core-aware, energy-aware or energy-aware-whole)`],
        'solver options',
      );
    return solveRule(p, policy, opts.split ? { replicaCost: opts.replicaCost } : undefined);
  }
  if (opts.split) return planSplit(p, policy, opts);
  return planOptimal(p, policy, opts);
}

/** Move prices only count under the energy policies (core-aware counts cores; there only the cap applies). */
function openPriceFor(policy: OptPolicy, terms: MoveTerms | undefined): Float64Array | undefined {
  return terms && policy !== 'core-aware' ? terms.openPrice : undefined;
}

/**
 * The heuristic under a cap on moves: when its plan moves too many functions, every move is priced
 * higher (doubling) and the heuristic runs again, until the plan is within the cap (or 30 tries).
 * The objective returned is on the real prices.
 */
function heuristicWithinMoves(inst: OptInstance, terms: MoveTerms | undefined, opts: { budgetMs: number; lambda?: Float64Array | undefined }): HeuristicResult {
  const first = solveHeuristic(inst, opts);
  if (!terms || terms.maxMoves === undefined || !first.hostOf || countMoves(terms, inst.n, first.hostOf) <= terms.maxMoves) return first;
  let scale = 0;
  for (const c of inst.cost) if (Number.isFinite(c)) scale = Math.max(scale, Math.abs(c));
  let penalty = Math.max(scale, 1e-3) / 8;
  const deadline = performance.now() + opts.budgetMs;
  for (let k = 0; k < 30 && performance.now() < deadline; k++, penalty *= 2) {
    const cost = inst.cost.slice();
    for (let c = 0; c < cost.length; c++) if (terms.isMove[c]) cost[c] = (cost[c] as number) + penalty;
    const r = solveHeuristic({ ...inst, cost, integral: false }, { budgetMs: Math.max(1, (deadline - performance.now()) / 4) });
    if (r.hostOf && countMoves(terms, inst.n, r.hostOf) <= terms.maxMoves) return { ...r, objective: evaluate(inst, r.hostOf) };
  }
  return { hostOf: null, objective: Infinity, unplaced: [] };
}

async function planOptimal(p: PlacementProblem, policy: OptPolicy, opts: PlanOptions): Promise<Plan> {
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  const timeLimitMs = opts.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  const solver = opts.solver ?? 'auto';
  const reasons = diagnoseInfeasibility(p);
  if (reasons.length) return emptyPlan(policy, 'infeasible', 'analysis', elapsed(), reasons);

  const terms = opts.moves;
  const open = openPriceFor(policy, terms);
  const inst = toInstance(p, policy, open);
  const n = inst.n;
  // Bound and heuristic share a small part of the time limit (they are the fast path).
  const quickMs = Math.min(timeLimitMs / 4, 1500);
  const b1 = lowerBound(inst, { budgetMs: quickMs / 3 });
  // Without an exact solver to follow, the heuristic's local search gets up to half the time
  // limit (at most 5 s): on 5,000 x 500 that halves its gap to the bound (bench/placement.ts).
  const heuristicOnly = solver === 'heuristic' || (solver === 'auto' && n * inst.m > AUTO_EXACT_MAX_CELLS);
  const heur = heuristicWithinMoves(inst, terms, { budgetMs: heuristicOnly ? Math.min(timeLimitMs / 2, 5000) : quickMs / 3, lambda: b1.lambda });
  const b2 = lowerBound(inst, { budgetMs: quickMs / 3, upperBound: heur.hostOf ? heur.objective : undefined });
  let bound = Math.max(b1.bound, b2.bound);
  let best = heur.hostOf;
  let bestSolver = 'heuristic';
  let proven = best !== null && heur.objective <= bound + 1e-9 * Math.max(1, Math.abs(bound));
  // What proved the plan optimal (reported: an exact solver asked for may run and not be the one).
  let provenBy = proven ? 'lower bound' : undefined;
  let provenInfeasible = false;
  const notes: string[] = [];

  const useExact = solver === 'auto' ? !proven && n * inst.m <= AUTO_EXACT_MAX_CELLS : solver !== 'heuristic';
  if (useExact && solver === 'bnb') {
    const r = solveBnb(inst, { deadlineMs: Math.max(1, timeLimitMs - elapsed()), incumbent: best, moves: terms });
    if (r.hostOf && (!best || r.objective < evaluate(inst, best))) {
      best = r.hostOf;
      bestSolver = 'bnb';
    } else if (best) bestSolver = 'heuristic+bnb';
    if (r.complete) {
      proven = best !== null;
      provenBy ??= proven ? 'branch and bound' : undefined;
      provenInfeasible = best === null;
    }
  } else if (useExact) {
    const mzn = resolveMiniZinc(opts.backend ?? 'auto', solver as MiniZincSolverName | 'auto');
    checkNativeSolver(mzn);
    // Hints: the bounds prune; the best plan so far is the CP search's first choice (warm start).
    const data = toMiniZincData(
      p,
      policy,
      searchFor(mzn.solver, mzn.backend, n, inst.m),
      {
        lowerBound: bound,
        upperBound: best ? evaluate(inst, best) : undefined,
        plan: best,
      },
      terms,
    );
    const tag = `minizinc-${mzn.backend}/${mzn.solver}`;
    let r: Awaited<ReturnType<typeof runMiniZinc>>;
    try {
      r = await runMiniZinc(data.json, { ...mzn, timeLimitMs, signal: opts.signal });
    } catch (err) {
      // A crashed solver is not the end of planning: the heuristic plan (if any) still stands.
      r = { status: 'ERROR', host: null, statistics: {}, elapsedMs: 0 };
      notes.push(`${tag} failed: ${errorMessage(err)}`);
    }
    if (r.host !== null) {
      const hostOf = fromMiniZincHosts(r.host, n, inst.m);
      if (!best || evaluate(inst, hostOf) <= evaluate(inst, best) + 1e-9) {
        best = hostOf;
        bestSolver = tag;
      } else bestSolver = `heuristic (better than ${tag})`;
    }
    if (r.status === 'OPTIMAL_SOLUTION') {
      proven = true;
      provenBy ??= tag;
    } else if (r.status === 'UNSATISFIABLE') provenInfeasible = true;
    else if (r.status === 'TIMEOUT' || r.status === 'SATISFIED' || r.status === 'UNKNOWN') {
      const already = provenBy === 'lower bound' ? '; the plan was already proven optimal by the lower bound' : '';
      notes.push(`${tag}: optimality not proven within ${timeLimitMs} ms${r.note ? ` (${r.note})` : ''}${already}`);
    }
    const ob = r.statistics.objectiveBound;
    if (typeof ob === 'number' && Number.isFinite(ob)) {
      // The solver's bound is on the integer-scaled objective; rounding may lower the true one by n/scale.
      const b = policy === 'core-aware' ? ob : (ob - (n + inst.m) / 2) / data.scalePerW;
      bound = Math.max(bound, b);
    }
  }

  const solveTimeMs = elapsed();
  if (best) {
    return {
      ...makePlan(p, policy, Array.from(best), { status: proven ? 'optimal' : 'feasible', solver: bestSolver, provenBy, bound, solveTimeMs, openPrice: open }),
      ...(terms ? { moves: countMoves(terms, n, best) } : {}),
      reasons: notes,
    };
  }
  if (provenInfeasible) {
    return emptyPlan(policy, 'infeasible', bestSolver === 'heuristic' ? (solver === 'auto' ? 'minizinc' : solver) : bestSolver, solveTimeMs, [
      `no assignment fits: every function fits some host and no host set is short in total, but the functions do not pack into the hosts' cores (proven by ${solver === 'bnb' ? 'branch and bound' : 'MiniZinc'})`,
      ...unplacedReasons(p, heur.unplaced),
    ]);
  }
  return emptyPlan(
    policy,
    'timeout',
    solver,
    solveTimeMs,
    [`no plan found within ${timeLimitMs} ms (not proven infeasible)`, ...notes, ...unplacedReasons(p, heur.unplaced)],
    bound,
  );
}

function unplacedReasons(p: PlacementProblem, unplaced: readonly number[]): string[] {
  if (!unplaced.length) return [];
  const names = unplaced.slice(0, 10).map((j) => p.functions[j]?.name ?? String(j));
  const more = unplaced.length > 10 ? ` and ${unplaced.length - 10} more` : '';
  return [`the heuristic's best attempt left ${unplaced.length} function${unplaced.length === 1 ? '' : 's'} without room: ${names.join(', ')}${more}`];
}
