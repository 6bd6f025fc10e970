// Heuristic for split placement (a function may run on several hosts with rate shares).
// Starting points: the whole-function heuristic's plan when it finds one (so splitting never makes
// a plan worse than not splitting), and a construction that places each function whole on its
// cheapest host with room or, when none has room or splitting is cheaper, fills the hosts with
// free cores in order of price per request/s. Then local search: shift as much of a function's
// rate as fits from one of its hosts to another (a whole relocation when the function has one
// replica), re-allocating the function's rate over its hosts cheapest first, whenever that lowers
// the objective (which counts each extra replica's cost).
import { solveHeuristic } from './heuristic.js';
import type { OptInstance } from './instance.js';
import { allocateShares, coresFor, splitObjective, type Part, type SplitInstance } from './split.js';

export interface SplitHeuristicResult {
  readonly parts: Part[] | null;
  readonly objective: number;
  readonly unplaced: readonly number[];
}

class SplitState {
  /** cores of function j per host (host -> cores), and its parts after allocation. */
  readonly parts: Part[][];
  readonly free: Float64Array;
  /** Parts on each host (for the fixed cost of using a host). */
  readonly count: Int32Array;
  constructor(readonly si: SplitInstance) {
    this.parts = Array.from({ length: si.n }, () => []);
    this.free = si.cap.slice();
    this.count = new Int32Array(si.m);
  }
  /** Objective of function j's own parts (without the hosts' fixed costs). */
  fnCost(j: number, parts: readonly Part[]): number {
    const { si } = this;
    let v = si.replicaCost * Math.max(0, parts.length - 1);
    for (const q of parts) {
      const k = q.i * si.n + q.j;
      v += si.corePrice * q.cores + (si.ratePrice[k] as number) * q.rateRps + (si.openPrice[k] as number);
    }
    return v;
  }
  set(j: number, parts: Part[]): void {
    for (const q of this.parts[j] as Part[]) {
      this.free[q.i] = (this.free[q.i] as number) + q.cores;
      this.count[q.i] = (this.count[q.i] as number) - 1;
    }
    for (const q of parts) {
      this.free[q.i] = (this.free[q.i] as number) - q.cores;
      this.count[q.i] = (this.count[q.i] as number) + 1;
    }
    this.parts[j] = parts;
  }
  placed(j: number): boolean {
    return (this.parts[j] as Part[]).length > 0;
  }
  all(): Part[] {
    return this.parts.flat();
  }
  /** Change of the objective if j's parts became `next` (function cost plus hosts turning on/off). */
  delta(j: number, next: readonly Part[]): number {
    const cur = this.parts[j] as Part[];
    let d = this.fnCost(j, next) - this.fnCost(j, cur);
    const change = new Map<number, number>();
    for (const q of cur) change.set(q.i, (change.get(q.i) ?? 0) - 1);
    for (const q of next) change.set(q.i, (change.get(q.i) ?? 0) + 1);
    for (const [i, c] of change) {
      const before = this.count[i] as number;
      const after = before + c;
      if (before === 0 && after > 0) d += this.si.fixed[i] as number;
      else if (before > 0 && after === 0) d -= this.si.fixed[i] as number;
    }
    return d;
  }
}

/** The cheapest way to place function j in the current state (whole or split), or null. */
function bestPlacement(s: SplitState, j: number, lambda: Float64Array | undefined): Part[] | null {
  const { si } = s;
  const { n, m } = si;
  const rate = si.rate[j] as number;
  const lam = (i: number): number => (lambda ? (lambda[i] as number) : 0);
  const priced = (parts: readonly Part[]): number => s.delta(j, parts) + parts.reduce((v, q) => v + lam(q.i) * q.cores, 0);
  let best: Part[] | null = null;
  let bestV = Infinity;
  for (let i = 0; i < m; i++) {
    const e = si.speed[i * n + j] as number;
    if (!(e > 0)) continue;
    const a = coresFor(rate, e);
    if (a > (s.free[i] as number)) continue;
    const parts = [{ j, i, cores: a, rateRps: rate }];
    const v = priced(parts);
    if (v < bestV) {
      bestV = v;
      best = parts;
    }
  }
  // Split: hosts with free cores, cheapest per request/s first (price of the rate plus its cores).
  const hosts: number[] = [];
  for (let i = 0; i < m; i++) if ((si.speed[i * n + j] as number) > 0 && (s.free[i] as number) >= 1) hosts.push(i);
  const perRps = (i: number): number => (si.ratePrice[i * n + j] as number) + (si.corePrice + lam(i)) / (si.speed[i * n + j] as number);
  hosts.sort((a, b) => perRps(a) - perRps(b) || a - b);
  const cores = new Map<number, number>();
  let rest = rate;
  for (const i of hosts) {
    if (rest <= 0) break;
    const e = si.speed[i * n + j] as number;
    const k = Math.min(Math.floor(s.free[i] as number), coresFor(rest, e));
    cores.set(i, k);
    rest -= k * e;
  }
  if (rest <= 1e-9 * rate) {
    const parts = allocateShares(si, j, cores);
    if (parts && parts.length > 1) {
      const v = priced(parts);
      if (v < bestV - 1e-9) {
        bestV = v;
        best = parts;
      }
    }
  }
  return best;
}

function construct(si: SplitInstance, order: readonly number[], lambda: Float64Array | undefined): SplitState {
  const s = new SplitState(si);
  for (const j of order) {
    const parts = bestPlacement(s, j, lambda);
    if (parts) s.set(j, parts);
  }
  return s;
}

/** Shifts as much of j's share on host a as fits to host b; returns the new parts or null. */
function shifted(s: SplitState, j: number, a: number, b: number): Part[] | null {
  const { si } = s;
  const n = si.n;
  const eb = si.speed[b * n + j] as number;
  if (!(eb > 0)) return null;
  const cur = s.parts[j] as Part[];
  const onA = cur.find((q) => q.i === a);
  if (!onA) return null;
  const onB = cur.find((q) => q.i === b);
  const roomB = (s.free[b] as number) + (onB?.cores ?? 0);
  const wantB = (onB?.rateRps ?? 0) + onA.rateRps;
  const coresB = Math.min(Math.floor(roomB), coresFor(wantB, eb));
  if (coresB < 1) return null;
  const movedRate = Math.min(onA.rateRps, coresB * eb - (onB?.rateRps ?? 0));
  if (movedRate <= 0) return null;
  const cores = new Map<number, number>();
  for (const q of cur) cores.set(q.i, q.cores);
  cores.set(b, coresB);
  const leftA = onA.rateRps - movedRate;
  const ea = si.speed[a * n + j] as number;
  if (leftA <= 1e-9 * (si.rate[j] as number)) cores.delete(a);
  else cores.set(a, coresFor(leftA, ea));
  return allocateShares(si, j, cores);
}

function localSearch(s: SplitState, deadline: number): void {
  const { n, m } = s.si;
  let improved = true;
  while (improved && performance.now() < deadline) {
    improved = false;
    for (let j = 0; j < n; j++) {
      if (performance.now() > deadline) return;
      for (const a of (s.parts[j] as Part[]).map((q) => q.i)) {
        let best: Part[] | null = null;
        let bestD = -1e-9;
        for (let b = 0; b < m; b++) {
          if (b === a) continue;
          const next = shifted(s, j, a, b);
          if (!next) continue;
          const d = s.delta(j, next);
          if (d < bestD) {
            bestD = d;
            best = next;
          }
        }
        if (best) {
          s.set(j, best);
          improved = true;
          break; // j's parts changed: its next host is looked at in the next sweep
        }
      }
    }
  }
}

function regretOrder(si: SplitInstance): number[] {
  const { n, m } = si;
  const key = new Float64Array(n);
  const need = new Float64Array(n).fill(Infinity);
  for (let j = 0; j < n; j++) {
    let b1 = Infinity;
    let b2 = Infinity;
    for (let i = 0; i < m; i++) {
      const e = si.speed[i * n + j] as number;
      if (!(e > 0)) continue;
      const r = si.rate[j] as number;
      const a = coresFor(r, e);
      need[j] = Math.min(need[j] as number, a / (si.cap[i] as number));
      const v = si.corePrice * a + (si.ratePrice[i * n + j] as number) * r;
      if (v < b1) {
        b2 = b1;
        b1 = v;
      } else if (v < b2) b2 = v;
    }
    key[j] = b2 === Infinity ? Number.MAX_VALUE : b2 - b1;
  }
  // Functions larger than every host go first: they must split and need the free cores most.
  return [...Array(n).keys()].sort(
    (a, b) => Number((need[b] as number) > 1) - Number((need[a] as number) > 1) || (key[b] as number) - (key[a] as number) || a - b,
  );
}

function sizeOrder(si: SplitInstance): number[] {
  const { n, m } = si;
  const need = new Float64Array(n).fill(Infinity);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < m; i++) {
      const e = si.speed[i * n + j] as number;
      if (e > 0) need[j] = Math.min(need[j] as number, (si.rate[j] as number) / e);
    }
  }
  return [...Array(n).keys()].sort((a, b) => (need[b] as number) - (need[a] as number) || a - b);
}

/**
 * Split heuristic within `budgetMs`. `whole` (the whole-function view of the same problem, with
 * the same costs) seeds the search with the whole-function heuristic's plan; `lambda` (capacity
 * prices from the bound) steers the construction.
 */
export function solveSplitHeuristic(
  si: SplitInstance,
  opts: { budgetMs: number; whole?: OptInstance | undefined; lambda?: Float64Array | undefined },
): SplitHeuristicResult {
  const deadline = performance.now() + opts.budgetMs;
  const starts: SplitState[] = [];
  let fewestUnplaced: number[] | null = null;
  if (opts.whole) {
    const h = solveHeuristic(opts.whole, { budgetMs: opts.budgetMs / 3, lambda: opts.lambda });
    if (h.hostOf) {
      const s = new SplitState(si);
      let ok = true;
      h.hostOf.forEach((i, j) => {
        const e = si.speed[i * si.n + j] as number;
        if (!(e > 0)) ok = false;
        else s.set(j, [{ j, i, cores: coresFor(si.rate[j] as number, e), rateRps: si.rate[j] as number }]);
      });
      if (ok) starts.push(s);
    }
  }
  for (const [order, lambda] of [
    [regretOrder(si), opts.lambda],
    [regretOrder(si), undefined],
    [sizeOrder(si), opts.lambda],
  ] as const) {
    const s = construct(si, order, lambda);
    const unplaced = [...Array(si.n).keys()].filter((j) => !s.placed(j));
    if (unplaced.length === 0) starts.push(s);
    else if (fewestUnplaced === null || unplaced.length < fewestUnplaced.length) fewestUnplaced = unplaced;
    if (starts.length && performance.now() > deadline) break;
  }
  if (!starts.length) return { parts: null, objective: Infinity, unplaced: fewestUnplaced ?? [] };
  let best: Part[] | null = null;
  let bestV = Infinity;
  const share = Math.max(1, deadline - performance.now()) / starts.length;
  for (const s of starts) {
    localSearch(s, Math.min(deadline, performance.now() + share));
    const parts = s.all();
    const v = splitObjective(si, parts);
    if (v < bestV) {
      bestV = v;
      best = parts;
    }
  }
  return { parts: best, objective: bestV, unplaced: [] };
}
