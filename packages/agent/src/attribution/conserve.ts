// The one place where energy is cut into integer µJ parts. Every attribution method reduces a
// socket (or the host) to: an energy budget, a static part, and one weight per participant (the
// functions plus "other", the activity that belongs to no function). This file turns that into
// dynamic and total µJ per function such that Σ dynamic + idle === budget exactly.
import { splitLargestRemainder } from './largest-remainder.js';

export interface ConservedSplit {
  /** Per function (same order as the weights), µJ. */
  readonly dynamicUj: bigint[];
  /** Dynamic + the function's share of the static part, µJ. */
  readonly totalUj: bigint[];
  /** budget − Σ dynamicUj: static power plus the dynamic part of "other". */
  readonly idleUj: bigint;
}

/**
 * Splits `budgetUj`: the static part (clipped to [0, budget]) stays idle; the rest is divided by
 * `weights` (functions) and `otherWeight` (non-function activity, whose part is left in idle). The
 * static part is also shared out by the same weights to form each function's total, SmartWatts-style
 * (target power = dynamic + intercept × dynamic ratio). With all weights 0 everything is idle.
 */
export function conserveSplit(budgetUj: bigint, staticUj: bigint, weights: readonly number[], otherWeight = 0): ConservedSplit {
  const budget = budgetUj > 0n ? budgetUj : 0n;
  const staticPart = staticUj < 0n ? 0n : staticUj > budget ? budget : staticUj;
  const all = [...weights, otherWeight];
  const dynParts = splitLargestRemainder(budget - staticPart, all);
  const staticParts = splitLargestRemainder(staticPart, all);
  const dynamicUj = dynParts.slice(0, weights.length);
  const sumDyn = dynamicUj.reduce((a, b) => a + b, 0n);
  const totalUj = dynamicUj.map((d, i) => d + (staticParts[i] ?? 0n));
  return { dynamicUj, totalUj, idleUj: budget - sumDyn };
}
