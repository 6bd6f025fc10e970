// A function's typical handler time on this agent: the median of its last answers' handler times.
// The pool sizes a carrier's pipe (pipelineDepth) and a woken carrier's batch (wakeBatch) from it.
// The median, not a mean: a handler cut by its carrier's CFS throttle reads a whole period
// (hundreds of ms against jwt-node's 0.5 ms), once in every 20 ms run, and a running mean jumped
// with each such answer.

/** Handler times kept for their median. */
export const HANDLER_SAMPLES = 32;

export class HandlerTimes {
  private readonly recentMs: number[] = [];
  private medianMs: number | undefined;

  /** Adds one answer's handler time, ms. */
  note(ms: number): void {
    this.recentMs.push(ms);
    if (this.recentMs.length > HANDLER_SAMPLES) this.recentMs.shift();
    const sorted = [...this.recentMs].sort((a, b) => a - b);
    this.medianMs = sorted[Math.floor(sorted.length / 2)];
  }

  /** The median of the last HANDLER_SAMPLES handler times, ms; undefined before any answer. */
  get typicalMs(): number | undefined {
    return this.medianMs;
  }
}
