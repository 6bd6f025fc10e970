// Lower bounds on the optimum, so that every plan can report its gap.
// - Lagrangian relaxation of the capacity constraints (its best value equals the LP relaxation's):
//   L(lambda) = sum_j min_i (c_ij + lambda_i A_ij) + sum_i min(0, f_i - lambda_i C_i) for lambda >= 0,
//   maximised by subgradient steps (Polyak step towards an upper bound). lambda = 0 gives the
//   per-function minimum.
// - Under energy-aware-whole, also: per-function minimum plus the cheapest fractional set of hosts
//   whose cores cover the cores the functions need at least (valid because any plan powers hosts
//   covering its cores).
import type { OptInstance } from './instance.js';

export interface BoundResult {
  readonly bound: number;
  /** Multipliers at the best bound (per host); the heuristic uses them as prices for capacity. */
  readonly lambda: Float64Array;
  readonly iterations: number;
}

function lagrangian(inst: OptInstance, lambda: Float64Array, choice: Int32Array): number {
  const { n, m, size, cost, cap, fixed } = inst;
  let v = 0;
  for (let j = 0; j < n; j++) {
    let best = Infinity;
    let bi = -1;
    for (let i = 0; i < m; i++) {
      const k = i * n + j;
      const r = (cost[k] as number) + (lambda[i] as number) * (size[k] as number);
      if (r < best) {
        best = r;
        bi = i;
      }
    }
    choice[j] = bi;
    v += best;
  }
  for (let i = 0; i < m; i++) v += Math.min(0, (fixed[i] as number) - (lambda[i] as number) * (cap[i] as number));
  return v;
}

function coverBound(inst: OptInstance): number {
  const { n, m, size, cost, cap, fixed } = inst;
  let base = 0;
  let need = 0;
  for (let j = 0; j < n; j++) {
    let c = Infinity;
    let a = Infinity;
    for (let i = 0; i < m; i++) {
      c = Math.min(c, cost[i * n + j] as number);
      a = Math.min(a, size[i * n + j] as number);
    }
    base += c;
    need += a;
  }
  const hosts = [...Array(m).keys()].sort((x, y) => (fixed[x] as number) / (cap[x] as number) - (fixed[y] as number) / (cap[y] as number));
  let idle = 0;
  for (const i of hosts) {
    if (need <= 0) break;
    const take = Math.min(1, need / (cap[i] as number));
    idle += take * (fixed[i] as number);
    need -= take * (cap[i] as number);
  }
  return base + idle;
}

/**
 * Best lower bound found within `budgetMs` (and at most `maxIterations` subgradient steps).
 * `upperBound` (an incumbent's objective) sets the step size; without one an estimate is used.
 */
export function lowerBound(inst: OptInstance, opts: { upperBound?: number | undefined; budgetMs?: number; maxIterations?: number } = {}): BoundResult {
  const started = performance.now();
  const budgetMs = opts.budgetMs ?? 500;
  const maxIt = opts.maxIterations ?? 300;
  const { n, m, size, cap } = inst;
  const lambda = new Float64Array(m);
  const choice = new Int32Array(n);
  let best = lagrangian(inst, lambda, choice);
  let bestLambda = lambda.slice();
  const ub = opts.upperBound !== undefined && Number.isFinite(opts.upperBound) ? opts.upperBound : Math.abs(best) * 1.1 + 1;
  let alpha = 2;
  let sinceImproved = 0;
  let it = 0;
  const g = new Float64Array(m);
  for (; it < maxIt && performance.now() - started < budgetMs && Number.isFinite(best); it++) {
    const v = it === 0 ? best : lagrangian(inst, lambda, choice);
    if (v > best + 1e-9) {
      best = v;
      bestLambda = lambda.slice();
      sinceImproved = 0;
    } else if (++sinceImproved >= 15) {
      alpha /= 2;
      sinceImproved = 0;
      if (alpha < 1e-4) break;
    }
    g.fill(0);
    for (let j = 0; j < n; j++) {
      const i = choice[j] as number;
      g[i] = (g[i] as number) + (size[i * n + j] as number);
    }
    let norm = 0;
    for (let i = 0; i < m; i++) {
      const on = (inst.fixed[i] as number) - (lambda[i] as number) * (cap[i] as number) < 0 || inst.fixed[i] === 0 ? 1 : 0;
      g[i] = (g[i] as number) - (cap[i] as number) * on;
      // Projected subgradient: a zero multiplier with a slack constraint stays at zero.
      if ((lambda[i] as number) <= 0 && (g[i] as number) < 0) g[i] = 0;
      norm += (g[i] as number) ** 2;
    }
    if (norm === 0) break; // the relaxed solution fits every host: it is optimal for the relaxation
    const step = (alpha * Math.max(ub - v, 1e-6 * Math.max(1, Math.abs(ub)))) / norm;
    for (let i = 0; i < m; i++) lambda[i] = Math.max(0, (lambda[i] as number) + step * (g[i] as number));
  }
  let bound = best;
  if (inst.fixed.some((f) => f > 0)) bound = Math.max(bound, coverBound(inst));
  // Integral objectives: the optimum is an integer, so the bound may be rounded up.
  if (inst.integral && Number.isFinite(bound)) bound = Math.ceil(bound - 1e-6);
  return { bound, lambda: bestLambda, iterations: it };
}
