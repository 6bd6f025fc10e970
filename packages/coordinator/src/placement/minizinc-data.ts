// Pure translation of a problem into the data of minizinc/placement.mzn (JSON), and of the model's
// answer back into host indexes. Energy is scaled to integers (Gecode has 32-bit integers): the
// scale is the largest power of ten up to 1e6 per watt (µW) for which the worst plan's total stays
// below 1e9; rounding costs at most half a unit per term, which hints and bounds account for.
import { readFileSync } from 'node:fs';
import type { OptPolicy } from './instance.js';
import type { MoveTerms } from './moves.js';
import { allowed, type PlacementProblem } from './problem.js';
import type { SplitInstance } from './split.js';

export interface MiniZincData {
  readonly json: Record<string, unknown>;
  /** Integer units per watt used for cost and idle (e.g. 1000: milliwatts). */
  readonly scalePerW: number;
}

const OBJECTIVE: Record<OptPolicy, number> = { 'core-aware': 1, 'energy-aware': 2, 'energy-aware-whole': 3 };

/**
 * How the model is searched: `mip` for MIP solvers (HiGHS, CBC: the plain 0/1 model), `cp` for a
 * complete CP search (branching on each function's k-th preferred host in regret order; proves
 * optimality on small instances), `lns` for the same search with restarts and large neighbourhood
 * search (Gecode on larger instances: better plans sooner, no proof).
 */
export type MiniZincSearch = 'mip' | 'cp' | 'lns';

/**
 * Up to this many function x host cells Gecode runs the complete search, which proves the seed's
 * 22 x 2 in under a second; above it, LNS. On the benchmark's generated instances of 60 to 1,000
 * cells the complete search proved almost none within 10 s, while LNS found plans as good or
 * better, mostly within a second (docs/placement.md).
 */
export const LNS_MIN_CELLS = 50;
/** Share of the functions LNS keeps at the incumbent's host on each restart (percent). */
export const LNS_KEEP_PCT = 95;

/**
 * The search the planner (and the benchmark) uses for a MiniZinc solver on an n x m instance. LNS
 * needs Gecode's FlatZinc executable (native): the WebAssembly build's Gecode is MiniZinc's
 * built-in interface, which ignores restart annotations ("ignored search annotation:
 * restart_luby"), so there it would only be the complete search with a warning.
 */
export function searchFor(solver: string, backend: 'native' | 'wasm', n: number, m: number): MiniZincSearch {
  if (solver === 'highs' || solver === 'cbc') return 'mip';
  return solver === 'gecode' && backend === 'native' && n * m > LNS_MIN_CELLS ? 'lns' : 'cp';
}

export interface MiniZincHints {
  /** A proven lower bound and a known feasible objective, in the policy's unit (cores or W). */
  readonly lowerBound?: number | undefined;
  readonly upperBound?: number | undefined;
  /**
   * A known plan (0-based host per function, e.g. the heuristic's): its host becomes each
   * function's first preference, so the CP search's first solution is that plan (a warm start).
   */
  readonly plan?: ArrayLike<number> | null | undefined;
}

export function toMiniZincData(
  p: PlacementProblem,
  policy: OptPolicy,
  search: MiniZincSearch = 'cp',
  hints: MiniZincHints = {},
  terms?: MoveTerms,
): MiniZincData {
  const n = p.functions.length;
  const m = p.hosts.length;
  const open = (i: number, j: number): number => (policy === 'core-aware' ? 0 : (terms?.openPrice[i * n + j] ?? 0));
  let worst = 0;
  for (let j = 0; j < n; j++) {
    let w = 0;
    for (let i = 0; i < m; i++) w = Math.max(w, (p.powerW[i]?.[j] ?? 0) + open(i, j));
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
    cost.push(p.functions.map((_, j) => (allowed(p, i, j) ? Math.round(((p.powerW[i]?.[j] ?? 0) + open(i, j)) * scalePerW) : 0)));
    ok.push(p.functions.map((_, j) => allowed(p, i, j)));
  }
  // Preference order per function (the known plan's host, then cheapest allowed host first) as
  // each host's place in it, and branching order (largest regret, i.e. most to lose by not getting
  // the best host, first). 1-based for MiniZinc.
  const key = (i: number, j: number): number => (allowed(p, i, j) ? (policy === 'core-aware' ? (cores[i]?.[j] ?? 0) : (cost[i]?.[j] ?? 0)) : Infinity);
  const pos: number[][] = [];
  const regret: number[] = [];
  for (let j = 0; j < n; j++) {
    const order = [...Array(m).keys()].sort((a, b) => key(a, j) - key(b, j) || a - b);
    const c0 = key(order[0] ?? 0, j);
    const c1 = order.length > 1 ? key(order[1] ?? 0, j) : Infinity;
    regret.push(c1 === Infinity ? Number.MAX_VALUE : c1 - c0);
    const known = hints.plan?.[j];
    if (known !== undefined && known >= 0 && known < m && allowed(p, known, j)) {
      order.splice(order.indexOf(known), 1);
      order.unshift(known);
    }
    const place = new Array<number>(m);
    order.forEach((i, k) => (place[i] = k + 1));
    pos.push(place);
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
      is_move: p.hosts.map((_, i) => p.functions.map((_, j) => terms?.isMove[i * n + j] === 1)),
      max_moves: terms?.maxMoves ?? n,
      objective: OBJECTIVE[policy],
      cp_search: search !== 'mip',
      ...scaledHints(policy, hints, scalePerW, n + m),
      pos,
      branch_order: branchOrder,
      lns_pct: search === 'lns' ? LNS_KEEP_PCT : 0,
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

/**
 * Data of minizinc/placement-split.mzn. Prices stay floats (the split model is a MIP with
 * continuous shares; MIP solvers take floats), so no scaling is needed.
 */
export function toSplitMiniZincData(si: SplitInstance, policy: OptPolicy, terms?: MoveTerms): Record<string, unknown> {
  const { n, m } = si;
  const grid = <T>(f: (k: number) => T): T[][] => Array.from({ length: m }, (_, i) => Array.from({ length: n }, (_, j) => f(i * n + j)));
  const ok = (k: number): boolean => (si.speed[k] as number) > 0;
  return {
    n_hosts: m,
    n_functions: n,
    cap: Array.from(si.cap),
    allowed: grid(ok),
    speed: grid((k) => si.speed[k] as number),
    rate: Array.from(si.rate),
    max_cores: grid((k) =>
      ok(k) ? Math.min(si.cap[Math.floor(k / n)] as number, Math.max(1, Math.ceil((si.rate[k % n] as number) / (si.speed[k] as number) - 1e-9))) : 0,
    ),
    rate_price: grid((k) => si.ratePrice[k] as number),
    core_price: si.corePrice,
    open_price: grid((k) => si.openPrice[k] as number),
    replica_cost: si.replicaCost,
    idle: Array.from(si.fixed),
    is_move: grid((k) => terms?.isMove[k] === 1),
    max_moves: terms?.maxMoves ?? n * m,
    objective: OBJECTIVE[policy],
  };
}

/** Converts the split model's `cores_out` (hosts x functions) into cores per host for each function. */
export function fromMiniZincCores(out: unknown, n: number, m: number): Map<number, number>[] {
  if (!Array.isArray(out) || out.length !== m) throw new Error(`minizinc: expected ${m} rows of cores in the answer`);
  const byFn = Array.from({ length: n }, () => new Map<number, number>());
  out.forEach((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== n) throw new Error(`minizinc: expected ${n} cores in row ${i + 1}`);
    row.forEach((c: unknown, j) => {
      if (typeof c !== 'number' || !Number.isInteger(c) || c < 0) throw new Error(`minizinc: bad cores ${String(c)}`);
      if (c > 0) byFn[j]?.set(i, c);
    });
  });
  return byFn;
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

/** The repository's models: placement.mzn (one host per function) and placement-split.mzn. */
export type ModelName = 'placement' | 'placement-split';
export function modelPath(name: ModelName = 'placement'): URL {
  return new URL(`../../../../minizinc/${name}.mzn`, import.meta.url);
}
/** Path of minizinc/placement.mzn (the repository's model). */
export const MODEL_PATH = modelPath('placement');

const modelText = new Map<ModelName, string>();
export function modelSource(name: ModelName = 'placement'): string {
  let text = modelText.get(name);
  if (text === undefined) {
    text = readFileSync(modelPath(name), 'utf8');
    modelText.set(name, text);
  }
  return text;
}
