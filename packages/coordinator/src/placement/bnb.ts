// Exact depth-first branch and bound, in-process, for small instances (tens of functions, a few
// hosts): the quick exact path used by the property tests and available as solver "bnb".
// Functions are branched in regret order, hosts cheapest first; the bound is the cost so far plus
// each remaining function's cheapest cost. Hosts with the same type signature (cores, costs, free
// cores, idle) are interchangeable, so only the first of them is tried at a node.
import { evaluate, type OptInstance } from './instance.js';

export interface BnbResult {
  readonly hostOf: Int32Array | null;
  readonly objective: number;
  /** True when the search finished: the result is optimal (or proven infeasible when hostOf is null). */
  readonly complete: boolean;
  readonly nodes: number;
}

export function solveBnb(
  inst: OptInstance,
  opts: {
    deadlineMs: number;
    incumbent?: Int32Array | null | undefined;
    maxNodes?: number;
    /** Re-planning: isMove[i * n + j] marks a move; at most maxMoves of them (no cap when undefined). */
    moves?: { readonly isMove: Uint8Array; readonly maxMoves: number | undefined } | undefined;
  },
): BnbResult {
  const { n, m, size, cost, cap, fixed } = inst;
  const deadline = performance.now() + opts.deadlineMs;
  const maxNodes = opts.maxNodes ?? Number.MAX_SAFE_INTEGER;
  // Host signature: hosts with identical columns are symmetric.
  const sig: number[] = [];
  const sigKeys = new Map<string, number>();
  for (let i = 0; i < m; i++) {
    const moveCol = opts.moves ? Array.from(opts.moves.isMove.subarray(i * n, i * n + n)).join('') : '';
    const key = `${cap[i]}|${fixed[i]}|${Array.from(cost.subarray(i * n, i * n + n)).join(',')}|${Array.from(size.subarray(i * n, i * n + n)).join(',')}|${moveCol}`;
    if (!sigKeys.has(key)) sigKeys.set(key, sigKeys.size);
    sig.push(sigKeys.get(key) as number);
  }
  const minCost = new Float64Array(n).fill(Infinity);
  const regret = new Float64Array(n);
  const hostsByCost: number[][] = [];
  for (let j = 0; j < n; j++) {
    const hs = [...Array(m).keys()].filter((i) => size[i * n + j] !== Infinity);
    hs.sort((a, b) => (cost[a * n + j] as number) - (cost[b * n + j] as number));
    hostsByCost.push(hs);
    const c0 = hs[0] === undefined ? Infinity : (cost[hs[0] * n + j] as number);
    const c1 = hs[1] === undefined ? Infinity : (cost[hs[1] * n + j] as number);
    minCost[j] = c0;
    regret[j] = c1 === Infinity ? Number.MAX_VALUE : c1 - c0;
  }
  const order = [...Array(n).keys()].sort((a, b) => (regret[b] as number) - (regret[a] as number) || a - b);
  const rest = new Float64Array(n + 1);
  for (let d = n - 1; d >= 0; d--) rest[d] = (rest[d + 1] as number) + (minCost[order[d] as number] as number);

  let best = opts.incumbent ? evaluate(inst, opts.incumbent) : Infinity;
  let bestHostOf: Int32Array | null = opts.incumbent ? opts.incumbent.slice() : null;
  const hostOf = new Int32Array(n).fill(-1);
  const free = cap.slice();
  const count = new Int32Array(m);
  let nodes = 0;
  let aborted = false;
  const isMove = opts.moves?.maxMoves !== undefined ? opts.moves.isMove : null;
  const maxMoves = opts.moves?.maxMoves ?? Infinity;
  let moves = 0;
  const eps = 1e-9 * Math.max(1, Math.abs(best === Infinity ? 1 : best));

  const dfs = (d: number, acc: number): void => {
    if (aborted) return;
    if (++nodes % 4096 === 0 && (performance.now() > deadline || nodes > maxNodes)) {
      aborted = true;
      return;
    }
    if (d === n) {
      if (acc < best - eps) {
        best = acc;
        bestHostOf = hostOf.slice();
      }
      return;
    }
    const j = order[d] as number;
    const tried = new Set<string>();
    for (const i of hostsByCost[j] as number[]) {
      const a = size[i * n + j] as number;
      if (a > (free[i] as number)) continue;
      const mv = isMove?.[i * n + j] ?? 0;
      if (moves + mv > maxMoves) continue;
      const key = `${sig[i]}|${free[i]}|${count[i] === 0 ? 0 : 1}|${mv}`;
      if (tried.has(key)) continue;
      tried.add(key);
      const add = (cost[i * n + j] as number) + (count[i] === 0 ? (fixed[i] as number) : 0);
      const lb = acc + add + (rest[d + 1] as number);
      if (lb >= best - eps) continue;
      hostOf[j] = i;
      free[i] = (free[i] as number) - a;
      count[i] = (count[i] as number) + 1;
      moves += mv;
      dfs(d + 1, acc + add);
      moves -= mv;
      count[i] = count[i] - 1;
      free[i] = free[i] + a;
      hostOf[j] = -1;
      if (aborted) return;
    }
  };
  dfs(0, 0);
  return { hostOf: bestHostOf, objective: best, complete: !aborted, nodes };
}
