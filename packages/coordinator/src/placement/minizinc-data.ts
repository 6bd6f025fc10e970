// Pure translation of a problem into the data of minizinc/placement.mzn (JSON), and of the model's
// answer back into host indexes. Energy is scaled to integers (Gecode has 32-bit integers): the
// scale is the largest power of ten up to 1e6 per watt (µW) for which the worst plan's total stays
// below 1e9; rounding costs at most half a unit per term, which hints and bounds account for.
import { readFileSync } from 'node:fs';
import type { OptPolicy } from './instance.js';
import { allowed, type PlacementProblem } from './problem.js';

export interface MiniZincData {
  readonly json: Record<string, unknown>;
  /** Integer units per watt used for cost and idle (e.g. 1000: milliwatts). */
  readonly scalePerW: number;
}

const OBJECTIVE: Record<OptPolicy, number> = { 'core-aware': 1, 'energy-aware': 2, 'energy-aware-whole': 3 };

/**
 * `cpSearch`: true for CP solvers (Gecode, Chuffed), which then branch on each function's k-th
 * cheapest host in regret order; MIP solvers (HiGHS, CBC) get the plain 0/1 model.
 */
export interface MiniZincHints {
  /** A proven lower bound and a known feasible objective, in the policy's unit (cores or W). */
  readonly lowerBound?: number | undefined;
  readonly upperBound?: number | undefined;
}

export function toMiniZincData(p: PlacementProblem, policy: OptPolicy, cpSearch = true, hints: MiniZincHints = {}): MiniZincData {
  const n = p.functions.length;
  const m = p.hosts.length;
  let worst = 0;
  for (let j = 0; j < n; j++) {
    let w = 0;
    for (let i = 0; i < m; i++) w = Math.max(w, p.powerW[i]?.[j] ?? 0);
    worst += w;
  }
  worst += p.idlePowerW.reduce((s, w) => s + w, 0);
  let scalePerW = 1e6;
  while (scalePerW > 1 && worst * scalePerW >= 1e9) scalePerW /= 10;
  const cores: number[][] = [];
  const cost: number[][] = [];
  const ok: boolean[][] = [];
  for (let i = 0; i < m; i++) {
    const cap = p.hosts[i]?.cores ?? 0;
    // Pairs without a model get a size above capacity and cost 0; allowed=false forbids them anyway.
    cores.push(p.functions.map((_, j) => (allowed(p, i, j) ? (p.cores[i]?.[j] ?? 0) : cap + 1)));
    cost.push(p.functions.map((_, j) => (allowed(p, i, j) ? Math.round((p.powerW[i]?.[j] ?? 0) * scalePerW) : 0)));
    ok.push(p.functions.map((_, j) => allowed(p, i, j)));
  }
  // Preference order per function (cheapest allowed host first) and branching order (largest
  // regret, i.e. most to lose by not getting the best host, first). 1-based for MiniZinc.
  const key = (i: number, j: number): number =>
    allowed(p, i, j) ? (policy === 'core-aware' ? (cores[i]?.[j] ?? 0) : (cost[i]?.[j] ?? 0)) : Infinity;
  const pref: number[][] = [];
  const regret: number[] = [];
  for (let j = 0; j < n; j++) {
    const order = [...Array(m).keys()].sort((a, b) => key(a, j) - key(b, j) || a - b);
    pref.push(order.map((i) => i + 1));
    const c0 = key(order[0] ?? 0, j);
    const c1 = order.length > 1 ? key(order[1] ?? 0, j) : Infinity;
    regret.push(c1 === Infinity ? Number.MAX_VALUE : c1 - c0);
  }
  const branchOrder = [...Array(n).keys()].sort((a, b) => (regret[b] ?? 0) - (regret[a] ?? 0) || a - b).map((j) => j + 1);
  return {
    scalePerW,
    json: {
      n_hosts: m,
      n_functions: n,
      cap: p.hosts.map((h) => h.cores),
      cores,
      cost,
      allowed: ok,
      idle: p.idlePowerW.map((w) => Math.round(w * scalePerW)),
      objective: OBJECTIVE[policy],
      cp_search: cpSearch,
      ...scaledHints(policy, hints, scalePerW, n + m),
      pref,
      branch_order: branchOrder,
    },
  };
}

/**
 * Hints in the model's integer units. A bound in watts becomes floor(lb * scale - k/2) and a known
 * plan's objective ceil(ub * scale + k/2): each of the k scaled cost or idle terms (k = n + m) is
 * rounded by at most half a unit.
 */
function scaledHints(policy: OptPolicy, hints: MiniZincHints, scalePerW: number, n: number): { obj_lb: number; obj_ub: number } {
  const huge = 2_000_000_000;
  const { lowerBound: lb, upperBound: ub } = hints;
  if (policy === 'core-aware') {
    return {
      obj_lb: lb !== undefined && Number.isFinite(lb) ? Math.max(0, Math.ceil(lb - 1e-6)) : 0,
      obj_ub: ub !== undefined && Number.isFinite(ub) ? Math.round(ub) : huge,
    };
  }
  return {
    obj_lb: lb !== undefined && Number.isFinite(lb) ? Math.max(0, Math.floor(lb * scalePerW - n / 2 - 1)) : 0,
    obj_ub: ub !== undefined && Number.isFinite(ub) ? Math.min(huge, Math.ceil(ub * scalePerW + n / 2 + 1)) : huge,
  };
}

/** Converts the model's `host` output (1-based) into 0-based host indexes; throws on a malformed answer. */
export function fromMiniZincHosts(host: unknown, n: number, m: number): Int32Array {
  if (!Array.isArray(host) || host.length !== n) throw new Error(`minizinc: expected ${n} hosts in the answer`);
  const out = new Int32Array(n);
  host.forEach((h, j) => {
    if (typeof h !== 'number' || !Number.isInteger(h) || h < 1 || h > m) throw new Error(`minizinc: bad host ${String(h)}`);
    out[j] = h - 1;
  });
  return out;
}

/** Path of minizinc/placement.mzn (the repository's model). */
export const MODEL_PATH = new URL('../../../../minizinc/placement.mzn', import.meta.url);

let modelText: string | undefined;
export function modelSource(): string {
  modelText ??= readFileSync(MODEL_PATH, 'utf8');
  return modelText;
}
