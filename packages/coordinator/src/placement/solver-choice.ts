// Which solver and MiniZinc backend a plan uses, and the options every planner entry takes
// (shared by the whole-function planner, the split planner and the CLI).
import { ConfigError } from '@isawatt/common';
import type { MoveTerms } from './moves.js';
import { hasNativeMiniZinc, MINIZINC_SOLVERS, nativeSolvers, type MiniZincBackend, type MiniZincSolverName } from './minizinc-solver.js';

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
  /** Allow a function to run on several hosts with rate shares (docs/placement.md, "Split"). */
  readonly split?: boolean | undefined;
  /** Objective of each replica beyond a function's first (W, or cores under core-aware); default 1. */
  readonly replicaCost?: number | undefined;
  /** Plan on this quantile of each function's speed across profiling bags (0 < q <= 0.5), not the point figure. */
  readonly robustQuantile?: number | undefined;
  /**
   * `--robust-joint`: robustQuantile is the plan's risk (that any of its n functions falls below its
   * speed), not each function's: each is planned on 1 - (1 - q)^(1/n) (Šidák), docs/placement.md.
   */
  readonly robustJoint?: boolean | undefined;
  /** `--robust-arrivals poisson`: also size each function for one-second Poisson bursts (robust.ts). */
  readonly robustArrivals?: 'poisson' | undefined;
  /** Re-planning: the price and cap of moves away from the live placement. */
  readonly moves?: MoveTerms | undefined;
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

/** Throws ConfigError when the native backend cannot run the chosen solver. */
export function checkNativeSolver(mzn: { backend: MiniZincBackend; solver: MiniZincSolverName }): void {
  if (mzn.backend !== 'native') return;
  if (!hasNativeMiniZinc()) throw new ConfigError(['--backend native: no minizinc binary on PATH (use --backend wasm)'], 'solver options');
  if (!nativeSolvers().includes(mzn.solver)) {
    throw new ConfigError(
      [`--solver ${mzn.solver}: not available in the native minizinc (it has: ${nativeSolvers().join(', ') || 'none'}); use --backend wasm`],
      'solver options',
    );
  }
}
