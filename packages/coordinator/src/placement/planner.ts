// The planner: picks the solver for a policy and turns its answer into a Plan with status, time,
// objective and bound. Optimising policies always start with the in-process bound and heuristic
// (fast, any size); an exact solver (MiniZinc or the in-process branch and bound) then improves or
// proves the result within the time limit, and the better of the two plans is returned.
import { ConfigError, errorMessage } from '@isawatt/common';
import { solveBnb } from './bnb.js';
import { lowerBound } from './bounds.js';
import { diagnoseInfeasibility } from './diagnose.js';
import { solveHeuristic } from './heuristic.js';
import { evaluate, toInstance, type OptPolicy } from './instance.js';
import { fromMiniZincHosts, searchFor, toMiniZincData } from './minizinc-data.js';
import { hasNativeMiniZinc, MINIZINC_SOLVERS, nativeSolvers, runMiniZinc, type MiniZincBackend, type MiniZincSolverName } from './minizinc-solver.js';
import { emptyPlan, makePlan, type Plan, type PolicyName } from './plan.js';
import type { PlacementProblem } from './problem.js';
import { solveRule } from './rules.js';

export const SOLVERS = ['auto', 'heuristic', 'bnb', ...MINIZINC_SOLVERS] as const;
export type SolverName = (typeof SOLVERS)[number];
export const BACKENDS = ['auto', 'native', 'wasm'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface PlanOptions {
  /** auto: MiniZinc with the default solver when the instance is small enough, else the heuristic. */
  readonly solver?: SolverName | undefined;
  /** MiniZinc backend; auto: native when the `minizinc` binary has the solver, else wasm. */
  readonly backend?: BackendName | undefined;
  /** Time limit for the exact solver, in milliseconds (default 10000). */
  readonly timeLimitMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** Largest instance (functions x hosts) that `auto` sends to MiniZinc; bigger ones use the heuristic. */
export const AUTO_EXACT_MAX_CELLS = 500;
export const DEFAULT_TIME_LIMIT_MS = 10_000;

/**
 * The default MiniZinc solver for a backend, and the backend for `auto` (chosen from
 * bench/placement.ts figures, docs/placement.md): HiGHS, which proves the optimum of every
 * benchmark instance up to the 500 cells `auto` sends to MiniZinc within seconds, where Gecode
 * (even with LNS) proves none but the smallest. Backend auto: native when the `minizinc` binary
 * has HiGHS, else WebAssembly; backend native without HiGHS (Debian's MiniZinc): Gecode.
 */
export function defaultMiniZinc(backend: BackendName = 'auto'): { backend: MiniZincBackend; solver: MiniZincSolverName } {
  const nativeHighs = nativeSolvers().includes('highs');
  if (backend === 'native') return { backend, solver: nativeHighs ? 'highs' : 'gecode' };
  return { backend: backend === 'wasm' || !nativeHighs ? 'wasm' : 'native', solver: 'highs' };
}

/** Backend and solver for a request: an explicit solver runs natively when the binary has it. */
export function resolveMiniZinc(backend: BackendName, solver: MiniZincSolverName | 'auto'): { backend: MiniZincBackend; solver: MiniZincSolverName } {
  if (solver === 'auto') return defaultMiniZinc(backend);
  if (backend !== 'auto') return { backend, solver };
  return { backend: nativeSolvers().includes(solver) ? 'native' : 'wasm', solver };
}

export async function plan(p: PlacementProblem, policy: PolicyName, opts: PlanOptions = {}): Promise<Plan> {
  if (policy === 'rr' || policy === 'x86-first' || policy === 'arm-first') return solveRule(p, policy);
  return planOptimal(p, policy, opts);
}

async function planOptimal(p: PlacementProblem, policy: OptPolicy, opts: PlanOptions): Promise<Plan> {
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  const timeLimitMs = opts.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  const solver = opts.solver ?? 'auto';
  const reasons = diagnoseInfeasibility(p);
  if (reasons.length) return emptyPlan(policy, 'infeasible', 'analysis', elapsed(), reasons);

  const inst = toInstance(p, policy);
  const n = inst.n;
  // Bound and heuristic share a small part of the time limit (they are the fast path).
  const quickMs = Math.min(timeLimitMs / 4, 1500);
  const b1 = lowerBound(inst, { budgetMs: quickMs / 3 });
  // Without an exact solver to follow, the heuristic's local search gets up to half the time
  // limit (at most 5 s): on 5,000 x 500 that halves its gap to the bound (bench/placement.ts).
  const heuristicOnly = solver === 'heuristic' || (solver === 'auto' && n * inst.m > AUTO_EXACT_MAX_CELLS);
  const heur = solveHeuristic(inst, { budgetMs: heuristicOnly ? Math.min(timeLimitMs / 2, 5000) : quickMs / 3, lambda: b1.lambda });
  const b2 = lowerBound(inst, { budgetMs: quickMs / 3, upperBound: heur.hostOf ? heur.objective : undefined });
  let bound = Math.max(b1.bound, b2.bound);
  let best = heur.hostOf;
  let bestSolver = 'heuristic';
  let proven = best !== null && heur.objective <= bound + 1e-9 * Math.max(1, Math.abs(bound));
  let provenInfeasible = false;
  const notes: string[] = [];

  const useExact = solver === 'auto' ? !proven && n * inst.m <= AUTO_EXACT_MAX_CELLS : solver !== 'heuristic';
  if (useExact && solver === 'bnb') {
    const r = solveBnb(inst, { deadlineMs: Math.max(1, timeLimitMs - elapsed()), incumbent: best });
    if (r.hostOf && (!best || r.objective < evaluate(inst, best))) {
      best = r.hostOf;
      bestSolver = 'bnb';
    } else if (best) bestSolver = 'heuristic+bnb';
    if (r.complete) {
      proven = best !== null;
      provenInfeasible = best === null;
    }
  } else if (useExact) {
    const mzn = resolveMiniZinc(opts.backend ?? 'auto', solver as MiniZincSolverName | 'auto');
    if (mzn.backend === 'native') {
      if (!hasNativeMiniZinc()) throw new ConfigError(['--backend native: no minizinc binary on PATH (use --backend wasm)'], 'solver options');
      if (!nativeSolvers().includes(mzn.solver)) {
        throw new ConfigError([`--solver ${mzn.solver}: not available in the native minizinc (it has: ${nativeSolvers().join(', ') || 'none'}); use --backend wasm`], 'solver options');
      }
    }
    // Hints: the bounds prune; the best plan so far is the CP search's first choice (warm start).
    const data = toMiniZincData(p, policy, searchFor(mzn.solver, mzn.backend, n, inst.m), {
      lowerBound: bound,
      upperBound: best ? evaluate(inst, best) : undefined,
      plan: best,
    });
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
    if (r.status === 'OPTIMAL_SOLUTION') proven = true;
    else if (r.status === 'UNSATISFIABLE') provenInfeasible = true;
    else if (r.status === 'TIMEOUT' || r.status === 'SATISFIED' || r.status === 'UNKNOWN') {
      notes.push(`${tag}: optimality not proven within ${timeLimitMs} ms${r.note ? ` (${r.note})` : ''}`);
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
      ...makePlan(p, policy, Array.from(best), { status: proven ? 'optimal' : 'feasible', solver: bestSolver, bound, solveTimeMs }),
      reasons: notes,
    };
  }
  if (provenInfeasible) {
    return emptyPlan(policy, 'infeasible', bestSolver === 'heuristic' ? (solver === 'auto' ? 'minizinc' : solver) : bestSolver, solveTimeMs, [
      `no assignment fits: every function fits some host and no host set is short in total, but the functions do not pack into the hosts' cores (proven by ${solver === 'bnb' ? 'branch and bound' : 'MiniZinc'})`,
      ...unplacedReasons(p, heur.unplaced),
    ]);
  }
  return emptyPlan(policy, 'timeout', solver, solveTimeMs, [
    `no plan found within ${timeLimitMs} ms (not proven infeasible)`,
    ...notes,
    ...unplacedReasons(p, heur.unplaced),
  ], bound);
}

function unplacedReasons(p: PlacementProblem, unplaced: readonly number[]): string[] {
  if (!unplaced.length) return [];
  const names = unplaced.slice(0, 10).map((j) => p.functions[j]?.name ?? String(j));
  const more = unplaced.length > 10 ? ` and ${unplaced.length - 10} more` : '';
  return [`the heuristic's best attempt left ${unplaced.length} function${unplaced.length === 1 ? '' : 's'} without room: ${names.join(', ')}${more}`];
}
