// Heuristic planner for large instances (thousands of functions, hundreds of hosts). Always returns
// fast; the caller pairs it with lowerBound() to report the gap.
// 1. Construction by regret on Lagrangian-priced costs c_ij + lambda_i A_ij (the multipliers make
//    crowded hosts look dearer): functions whose best host beats their second best by most go
//    first, each to its cheapest host with room. If some function finds no room, first-fit
//    decreasing (by cores) is tried instead, then a repair that moves functions off a host to make
//    room.
// 2. Local search on the true objective: relocate one function, swap two functions, and (with idle
//    power) empty a host, each only when it lowers the objective, until no move helps or the
//    budget is spent.
import { evaluate, type OptInstance } from './instance.js';

export interface HeuristicResult {
  /** hostOf[j], or null when no complete assignment was found. */
  readonly hostOf: Int32Array | null;
  readonly objective: number;
  /** Functions left without a host by the best construction (only when hostOf is null). */
  readonly unplaced: readonly number[];
}

class State {
  readonly hostOf: Int32Array;
  readonly free: Float64Array;
  readonly count: Int32Array;
  constructor(readonly inst: OptInstance) {
    this.hostOf = new Int32Array(inst.n).fill(-1);
    this.free = inst.cap.slice();
    this.count = new Int32Array(inst.m);
  }
  size(i: number, j: number): number {
    return this.inst.size[i * this.inst.n + j] as number;
  }
  cost(i: number, j: number): number {
    return this.inst.cost[i * this.inst.n + j] as number;
  }
  fits(i: number, j: number): boolean {
    return this.size(i, j) <= (this.free[i] as number);
  }
  place(i: number, j: number): void {
    this.hostOf[j] = i;
    this.free[i] = (this.free[i] as number) - this.size(i, j);
    this.count[i] = (this.count[i] as number) + 1;
  }
  remove(j: number): void {
    const i = this.hostOf[j] as number;
    this.free[i] = (this.free[i] as number) + this.size(i, j);
    this.count[i] = (this.count[i] as number) - 1;
    this.hostOf[j] = -1;
  }
  /** Objective change of adding j to i (fixed cost if i was empty). */
  addDelta(i: number, j: number): number {
    return this.cost(i, j) + ((this.count[i] as number) === 0 ? (this.inst.fixed[i] as number) : 0);
  }
  /** Objective change of taking j off its host (saves the fixed cost if the host empties). */
  removeDelta(j: number): number {
    const i = this.hostOf[j] as number;
    return -this.cost(i, j) - ((this.count[i] as number) === 1 ? (this.inst.fixed[i] as number) : 0);
  }
}

function construct(inst: OptInstance, order: readonly number[], price: (i: number, j: number) => number): State {
  const s = new State(inst);
  for (const j of order) {
    let best = -1;
    let bestV = Infinity;
    for (let i = 0; i < inst.m; i++) {
      if (!s.fits(i, j)) continue;
      const v = price(i, j) + ((s.count[i] as number) === 0 ? (inst.fixed[i] as number) : 0);
      if (v < bestV || (v === bestV && (s.free[i] as number) > (s.free[best] as number))) {
        bestV = v;
        best = i;
      }
    }
    if (best >= 0) s.place(best, j);
  }
  return s;
}

function regretOrder(inst: OptInstance, price: (i: number, j: number) => number): number[] {
  const key = new Float64Array(inst.n);
  for (let j = 0; j < inst.n; j++) {
    let b1 = Infinity;
    let b2 = Infinity;
    for (let i = 0; i < inst.m; i++) {
      const v = price(i, j);
      if (v < b1) {
        b2 = b1;
        b1 = v;
      } else if (v < b2) b2 = v;
    }
    // A function with one possible host goes first (infinite regret).
    key[j] = b2 === Infinity ? Number.MAX_VALUE : b2 - b1;
  }
  return [...Array(inst.n).keys()].sort((a, b) => (key[b] as number) - (key[a] as number) || a - b);
}

function sizeOrder(inst: OptInstance): number[] {
  const minSize = new Float64Array(inst.n).fill(Infinity);
  for (let i = 0; i < inst.m; i++) {
    for (let j = 0; j < inst.n; j++) minSize[j] = Math.min(minSize[j] as number, inst.size[i * inst.n + j] as number);
  }
  return [...Array(inst.n).keys()].sort((a, b) => (minSize[b] as number) - (minSize[a] as number) || a - b);
}

/** Tries to place each unplaced function by moving functions off one of its hosts to others with room. */
function repair(s: State, deadline: number): void {
  const { n, m } = s.inst;
  for (let j = 0; j < n; j++) {
    if ((s.hostOf[j] as number) >= 0) continue;
    if (performance.now() > deadline) return;
    for (let i = 0; i < m && (s.hostOf[j] as number) < 0; i++) {
      if (s.size(i, j) === Infinity) continue;
      const moved: [number, number][] = [];
      const onHost = [...Array(n).keys()].filter((k) => s.hostOf[k] === i).sort((a, b) => s.size(i, b) - s.size(i, a));
      for (const k of onHost) {
        if (s.fits(i, j)) break;
        for (let t = 0; t < m; t++) {
          if (t !== i && s.fits(t, k)) {
            s.remove(k);
            s.place(t, k);
            moved.push([k, i]);
            break;
          }
        }
      }
      if (s.fits(i, j)) s.place(i, j);
      else
        for (const [k, from] of moved.reverse()) {
          s.remove(k);
          s.place(from, k);
        }
    }
  }
}

function localSearch(s: State, deadline: number): void {
  const { n, m } = s.inst;
  let improved = true;
  while (improved && performance.now() < deadline) {
    improved = false;
    // Relocate: best single move of each function.
    for (let j = 0; j < n; j++) {
      const cur = s.hostOf[j] as number;
      const out = s.removeDelta(j);
      let best = -1;
      let bestD = -1e-9;
      for (let i = 0; i < m; i++) {
        if (i === cur || !s.fits(i, j)) continue;
        const d = out + s.addDelta(i, j);
        if (d < bestD) {
          bestD = d;
          best = i;
        }
      }
      if (best >= 0) {
        s.remove(j);
        s.place(best, j);
        improved = true;
      }
    }
    // Swap: j and k exchange hosts when both fit and the objective drops.
    for (let j = 0; j < n && performance.now() < deadline; j++) {
      const a = s.hostOf[j] as number;
      for (let k = j + 1; k < n; k++) {
        const b = s.hostOf[k] as number;
        if (a === b) continue;
        const d = s.cost(b, j) + s.cost(a, k) - s.cost(a, j) - s.cost(b, k);
        if (!(d < -1e-9)) continue;
        if (s.size(b, j) > (s.free[b] as number) + s.size(b, k) || s.size(a, k) > (s.free[a] as number) + s.size(a, j)) continue;
        s.remove(j);
        s.remove(k);
        s.place(b, j);
        s.place(a, k);
        improved = true;
        break;
      }
    }
    // Empty a host (idle power only): move all of its functions to hosts already on.
    if (s.inst.fixed.some((f) => f > 0)) {
      for (let i = 0; i < m; i++) {
        if ((s.count[i] as number) === 0) continue;
        const fns = [...Array(n).keys()].filter((j) => s.hostOf[j] === i);
        const moves: [number, number][] = [];
        let d = -(s.inst.fixed[i] as number);
        for (const j of fns) {
          s.remove(j);
          let best = -1;
          let bestC = Infinity;
          for (let t = 0; t < m; t++) {
            if (t === i || (s.count[t] as number) === 0 || !s.fits(t, j)) continue;
            if (s.cost(t, j) < bestC) {
              bestC = s.cost(t, j);
              best = t;
            }
          }
          if (best < 0) {
            d = Infinity;
            s.place(i, j);
            break;
          }
          d += bestC - s.cost(i, j);
          s.place(best, j);
          moves.push([j, best]);
        }
        if (d < -1e-9) improved = true;
        else
          for (const [j] of moves.reverse()) {
            s.remove(j);
            s.place(i, j);
          }
      }
    }
  }
}

/**
 * Runs construction and local search within `budgetMs`. `lambda` (per-host capacity prices from
 * lowerBound) may be omitted.
 */
export function solveHeuristic(inst: OptInstance, opts: { budgetMs: number; lambda?: Float64Array | undefined }): HeuristicResult {
  const deadline = performance.now() + opts.budgetMs;
  const lambda = opts.lambda ?? new Float64Array(inst.m);
  const priced = (i: number, j: number): number => (inst.cost[i * inst.n + j] as number) + (lambda[i] as number) * (inst.size[i * inst.n + j] as number);
  const plain = (i: number, j: number): number => inst.cost[i * inst.n + j] as number;
  let best: State | null = null;
  let fewestUnplaced: number[] = [];
  const attempts: (() => State)[] = [
    () => construct(inst, regretOrder(inst, priced), priced),
    () => construct(inst, regretOrder(inst, plain), plain),
    () => construct(inst, sizeOrder(inst), priced),
  ];
  for (const attempt of attempts) {
    const s = attempt();
    repair(s, deadline);
    const unplaced = [...s.hostOf.keys()].filter((j) => (s.hostOf[j] as number) < 0);
    if (unplaced.length === 0) {
      if (!best || evaluate(inst, s.hostOf) < evaluate(inst, best.hostOf)) best = s;
    } else if (fewestUnplaced.length === 0 || unplaced.length < fewestUnplaced.length) fewestUnplaced = unplaced;
    if (best && performance.now() > deadline) break;
  }
  if (!best) return { hostOf: null, objective: Infinity, unplaced: fewestUnplaced };
  localSearch(best, deadline);
  return { hostOf: best.hostOf, objective: evaluate(inst, best.hostOf), unplaced: [] };
}
