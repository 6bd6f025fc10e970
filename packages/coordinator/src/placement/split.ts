// Split placement: a function may run on several hosts, each serving a share of its rate R_j.
// A share s on host i needs ceil(s / E_ij) cores there and costs W_ij * s watts; every replica
// beyond a function's first costs `replicaCost` (in the objective's unit: cores under core-aware,
// watts otherwise), so that a plan only splits when splitting pays. This file holds the in-process
// view of such a problem (flat arrays, shared by the heuristic, the bound and the MiniZinc data),
// the objective of a set of parts, and the allocation of a function's rate to the cores it got.
import type { OptInstance, OptPolicy } from './instance.js';
import type { PlacementProblem } from './problem.js';

/** One replica: function j on host i with `cores` cores, serving `rateRps` of its rate. */
export interface Part {
  readonly j: number;
  readonly i: number;
  readonly cores: number;
  readonly rateRps: number;
}

export interface SplitInstance {
  readonly n: number;
  readonly m: number;
  readonly cap: Float64Array;
  /**
   * speed[i * n + j]: executions/s per core planned on, E_ij / (1 + headroom) (0: no model, j may
   * not run on i): a share s then gets ceil(s (1 + headroom) / E_ij) cores, the spare capacity of
   * an unsplit plan.
   */
  readonly speed: Float64Array;
  readonly rate: Float64Array;
  /** Objective per request/s of j on i: W_ij (watts per req/s) for energy policies, 0 for core-aware. */
  readonly ratePrice: Float64Array;
  /** Objective per core: 1 for core-aware, 0 for energy policies. */
  readonly corePrice: number;
  /** Extra objective of having a replica of j on i at all (e.g. the cost of moving j there; 0 by default). */
  readonly openPrice: Float64Array;
  /** Objective of every replica beyond a function's first. */
  readonly replicaCost: number;
  /** Cost of using host i at all (idle power under energy-aware-whole). */
  readonly fixed: Float64Array;
}

/** Default cost of an extra replica: 1 W (energy policies) or 1 core (core-aware). */
export const DEFAULT_REPLICA_COST = 1;

export function toSplitInstance(p: PlacementProblem, policy: OptPolicy, replicaCost = DEFAULT_REPLICA_COST, openPrice?: Float64Array): SplitInstance {
  const n = p.functions.length;
  const m = p.hosts.length;
  const speed = new Float64Array(m * n);
  const ratePrice = new Float64Array(m * n);
  const spare = 1 + (p.headroom ?? 0);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const md = p.model[i]?.[j];
      if (!md) continue;
      speed[i * n + j] = md.execPerSecPerCore / spare;
      ratePrice[i * n + j] = policy === 'core-aware' ? 0 : md.energyPerExecJ;
    }
  }
  const fixed = new Float64Array(m);
  if (policy === 'energy-aware-whole') p.idlePowerW.forEach((w, i) => (fixed[i] = w));
  return {
    n,
    m,
    cap: Float64Array.from(p.hosts.map((h) => h.cores)),
    speed,
    rate: Float64Array.from(p.functions.map((f) => f.rateRps)),
    ratePrice,
    corePrice: policy === 'core-aware' ? 1 : 0,
    openPrice: openPrice ?? new Float64Array(m * n),
    replicaCost,
    fixed,
  };
}

/** Cores for a share: ceil(s / E), with the tolerance of coresNeeded (an exact multiple costs no extra core). */
export function coresFor(rateRps: number, speed: number): number {
  if (rateRps <= 0) return 0;
  return Math.max(1, Math.ceil(rateRps / speed - 1e-9));
}

/** Objective of a set of parts. */
export function splitObjective(si: SplitInstance, parts: readonly Part[]): number {
  let v = 0;
  const used = new Uint8Array(si.m);
  for (const q of parts) {
    const k = q.i * si.n + q.j;
    v += si.corePrice * q.cores + (si.ratePrice[k] as number) * q.rateRps + (si.openPrice[k] as number);
    used[q.i] = 1;
  }
  v += si.replicaCost * Math.max(0, parts.length - si.n);
  for (let i = 0; i < si.m; i++) if (used[i]) v += si.fixed[i] as number;
  return v;
}

/**
 * Given the cores function j got on each host (host index -> cores), the cheapest allocation of
 * its rate: hosts by increasing price per request/s, each filled up to its cores' capacity. The
 * parts that receive no rate are dropped and every part's cores shrink to what its share needs.
 * Returns null when the cores cannot carry the rate.
 */
export function allocateShares(si: SplitInstance, j: number, coresByHost: ReadonlyMap<number, number>): Part[] | null {
  const { n } = si;
  const hosts = [...coresByHost.entries()].filter(([i, c]) => c > 0 && (si.speed[i * n + j] as number) > 0);
  hosts.sort(
    ([a], [b]) =>
      (si.ratePrice[a * n + j] as number) - (si.ratePrice[b * n + j] as number) || (si.speed[b * n + j] as number) - (si.speed[a * n + j] as number) || a - b,
  );
  let rest = si.rate[j] as number;
  const parts: Part[] = [];
  for (const [i, c] of hosts) {
    if (rest <= 1e-12 * (si.rate[j] as number)) break;
    const e = si.speed[i * n + j] as number;
    const share = Math.min(rest, c * e);
    rest -= share;
    parts.push({ j, i, cores: Math.min(c, coresFor(share, e)), rateRps: share });
  }
  // A residue within rounding (1e-9 of the rate) goes to the last part, whose cores already carry it.
  if (rest > 1e-9 * (si.rate[j] as number)) return null;
  const last = parts[parts.length - 1];
  if (last && rest > 0) parts[parts.length - 1] = { ...last, rateRps: last.rateRps + rest };
  return parts;
}

/** Cores used per host by a set of parts. */
export function usedCores(si: SplitInstance, parts: readonly Part[]): Float64Array {
  const used = new Float64Array(si.m);
  for (const q of parts) used[q.i] = (used[q.i] as number) + q.cores;
  return used;
}

/**
 * The relaxation the lower bound works on: every function may be cut into fractions anywhere it
 * has a model, a fraction f on host i taking f * R_j / E_ij cores (not rounded up) and costing f
 * times the whole function's price there (open prices included: a replica pays its open price in
 * full, at least f times it). Any split plan is a solution of it, so lowerBound() on it bounds
 * every split plan. Fractions are never above capacity, so no pair is excluded for its size.
 */
export function toRelaxedInstance(si: SplitInstance): OptInstance {
  const { n, m } = si;
  const size = new Float64Array(m * n).fill(Infinity);
  const cost = new Float64Array(m * n).fill(Infinity);
  let integral = si.corePrice > 0 && Number.isInteger(si.replicaCost);
  for (let k = 0; k < m * n; k++) {
    const e = si.speed[k] as number;
    if (!(e > 0)) continue;
    const r = si.rate[k % n] as number;
    size[k] = r / e;
    cost[k] = si.corePrice * (r / e) + (si.ratePrice[k] as number) * r + (si.openPrice[k] as number);
    if (!Number.isInteger(si.openPrice[k])) integral = false;
  }
  return { n, m, cap: si.cap, size, cost, fixed: si.fixed, integral };
}
