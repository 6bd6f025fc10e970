// A function's typical handler time on this agent: the median of its last answers' handler times.
// The pool sizes a carrier's pipe (pipelineDepth) and a woken carrier's batch (wakeBatch) from it.
// The median, not a mean: a handler cut by its carrier's CFS throttle reads a whole period
// (hundreds of ms against jwt-node's 0.5 ms), once in every 20 ms run, and a running mean jumped
// with each such answer.

/** Handler times kept for their median. */
export const HANDLER_SAMPLES = 32;

export class HandlerTimes {
  /** The last HANDLER_SAMPLES handler times, oldest first. */
  private readonly recentMs: number[] = [];
  /** The same times in ascending order, kept so as each answer (one per hand-over) costs no sort. */
  private readonly sortedMs: number[] = [];

  /**
   * Adds one answer's handler time, ms. A time that is not a finite, non-negative number (a
   * harness's malformed duration field parses to NaN) is left out: it is no handler time, and NaN
   * has no place in the order.
   */
  note(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.recentMs.push(ms);
    this.sortedMs.splice(lowerBound(this.sortedMs, ms), 0, ms);
    if (this.recentMs.length > HANDLER_SAMPLES) {
      const oldest = this.recentMs.shift() as number;
      this.sortedMs.splice(lowerBound(this.sortedMs, oldest), 1);
    }
  }

  /** The median of the last HANDLER_SAMPLES handler times, ms; undefined before any answer. */
  get typicalMs(): number | undefined {
    return this.sortedMs[Math.floor(this.sortedMs.length / 2)];
  }
}

/** Index of the first element of ascending `a` not below `x`. */
function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
