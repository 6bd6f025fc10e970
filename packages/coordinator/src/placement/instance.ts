// The optimisation view of a problem under one policy: flat arrays of sizes (cores) and costs (the
// objective's coefficient), Infinity where a function may not go. Shared by the bound, the
// heuristic and the branch and bound, which all run in-process.
import type { PolicyName } from './plan.js';
import { allowed, type PlacementProblem } from './problem.js';

export interface OptInstance {
  readonly n: number;
  readonly m: number;
  readonly cap: Float64Array;
  /** size[i * n + j]: cores of j on i (Infinity: not allowed). */
  readonly size: Float64Array;
  /** cost[i * n + j]: objective coefficient of j on i (Infinity: not allowed). */
  readonly cost: Float64Array;
  /** Cost of using host i at all (idle power under energy-aware-whole, else 0). */
  readonly fixed: Float64Array;
  /** True when every objective value is an integer (core-aware), so bounds may be rounded up. */
  readonly integral: boolean;
}

export type OptPolicy = Extract<PolicyName, 'core-aware' | 'energy-aware' | 'energy-aware-whole'>;

/** `openPrice[i * n + j]` (optional, e.g. re-planning's move price) is added to the cost of placing j on i. */
export function toInstance(p: PlacementProblem, policy: OptPolicy, openPrice?: Float64Array): OptInstance {
  const n = p.functions.length;
  const m = p.hosts.length;
  const size = new Float64Array(m * n).fill(Infinity);
  const cost = new Float64Array(m * n).fill(Infinity);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      if (!allowed(p, i, j)) continue;
      const a = p.cores[i]?.[j] ?? Infinity;
      size[i * n + j] = a;
      cost[i * n + j] = (policy === 'core-aware' ? a : (p.powerW[i]?.[j] ?? Infinity)) + (openPrice?.[i * n + j] ?? 0);
    }
  }
  const fixed = new Float64Array(m);
  if (policy === 'energy-aware-whole') p.idlePowerW.forEach((w, i) => (fixed[i] = w));
  const integral = policy === 'core-aware' && (!openPrice || openPrice.every((v) => Number.isInteger(v)));
  return { n, m, cap: Float64Array.from(p.hosts.map((h) => h.cores)), size, cost, fixed, integral };
}

/** Objective of a complete assignment. */
export function evaluate(inst: OptInstance, hostOf: ArrayLike<number>): number {
  let v = 0;
  const used = new Uint8Array(inst.m);
  for (let j = 0; j < inst.n; j++) {
    const i = hostOf[j] ?? 0;
    v += inst.cost[i * inst.n + j] ?? Infinity;
    used[i] = 1;
  }
  for (let i = 0; i < inst.m; i++) if (used[i]) v += inst.fixed[i] ?? 0;
  return v;
}
