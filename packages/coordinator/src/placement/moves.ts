// Re-planning terms: what it costs to move a function away from where it runs now, and how many
// moves a plan may make. A placement of function j on host i is a move when j runs now but not on
// i (a function new to the workload moves nothing). Its price, in the objective's unit, is added
// to the cost of that (host, function) pair, so every solver weighs it like any other cost.
import type { PlacementProblem } from './problem.js';

export interface MoveTerms {
  /** isMove[i * n + j] = 1: placing j on i is a move. */
  readonly isMove: Uint8Array;
  /** openPrice[i * n + j]: objective added by placing j on i (the move price where isMove, else 0). */
  readonly openPrice: Float64Array;
  /** Most moves a plan may make (undefined: no cap). */
  readonly maxMoves: number | undefined;
}

/** Where the functions run now: function name -> host ids (several when it is split). */
export type CurrentPlacement = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * Move terms for a problem given the live placement. `movePrice` is the objective of one move
 * (watts for the energy policies: the move's energy spread over the plan's horizon; 0 for
 * core-aware, where only the cap applies).
 */
export function moveTerms(p: PlacementProblem, current: CurrentPlacement, movePrice: number, maxMoves: number | undefined): MoveTerms {
  const n = p.functions.length;
  const m = p.hosts.length;
  const isMove = new Uint8Array(m * n);
  const openPrice = new Float64Array(m * n);
  p.functions.forEach((f, j) => {
    const now = current.get(f.name);
    if (!now || now.size === 0) return;
    p.hosts.forEach((h, i) => {
      if (now.has(h.id)) return;
      isMove[i * n + j] = 1;
      openPrice[i * n + j] = movePrice;
    });
  });
  return { isMove, openPrice, maxMoves };
}

/** Moves made by host-per-function indexes. */
export function countMoves(terms: MoveTerms, n: number, hostOf: ArrayLike<number>): number {
  let k = 0;
  for (let j = 0; j < n; j++) if (terms.isMove[(hostOf[j] as number) * n + j]) k++;
  return k;
}

/** The same terms with every move priced `extra` higher (the planner's way of meeting a cap). */
export function withMovePenalty(terms: MoveTerms, extra: number): MoveTerms {
  const openPrice = terms.openPrice.slice();
  for (let k = 0; k < openPrice.length; k++) if (terms.isMove[k]) openPrice[k] = (openPrice[k] as number) + extra;
  return { ...terms, openPrice };
}
