// Invocation counters and latency percentiles of one function over a window (HDR histogram, µs,
// 3 significant digits). Latency is measured from the moment a request was due (its scheduled
// arrival for the load driver, its arrival for the invoke endpoint) to its answer, so queueing
// delay counts: no coordinated omission.
import { performance } from 'node:perf_hooks';
import { COMPLETED_BY_AGE_TICKS, msToS, usToMs, type InvocationFigures } from '@isawatt/common';
import * as hdr from 'hdr-histogram-js';

/**
 * How a request ended. 'dropped': the queue was full when it arrived; 'expired': it waited in the
 * queue past the function's timeout without a worker (counted in dropped too, and apart).
 */
export type InvocationResult = 'completed' | 'error' | 'timeout' | 'dropped' | 'expired';

export interface WindowFigures extends InvocationFigures<number> {
  readonly windowMs: number;
  readonly latencyMeanMs: number;
  readonly latencyMaxMs: number;
  /** Mean time inside the handler as the harness measured it (µs), for completed invocations. */
  readonly handlerMeanUs: number;
}

const HIGHEST_TRACKABLE_US = 3_600_000_000; // 1 h

export class InvocationWindow {
  private completed = 0;
  private errors = 0;
  private timeouts = 0;
  private dropped = 0;
  private expired = 0;
  private arrived = 0;
  /** Completions by ticks since their arrival (see recordCompletionAge). */
  private readonly completedByAge = new Array<number>(COMPLETED_BY_AGE_TICKS).fill(0);
  private handlerUsSum = 0;
  private firstStartMs: number | undefined;
  private lastCompletionMs: number | undefined;
  private readonly histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
    autoResize: false,
    useWebAssembly: false,
  });

  constructor(private startedMs: number) {}

  /**
   * Counts a request arriving (the offered load), whatever becomes of it: answers are recorded when
   * they come, possibly in a later window (a queue built before a run's window drains inside it).
   */
  arrive(): void {
    this.arrived++;
  }

  /**
   * @param handlerUs time inside the handler as the harness measured it (completed invocations)
   * @param atMs when the invocation answered (performance.now() ms)
   */
  record(result: InvocationResult, latencyUs: number, handlerUs = 0, atMs = performance.now()): void {
    switch (result) {
      case 'completed':
        this.completed++;
        this.firstStartMs = Math.min(this.firstStartMs ?? Infinity, atMs - usToMs(handlerUs));
        this.lastCompletionMs = atMs;
        this.handlerUsSum += handlerUs;
        this.histogram.recordValue(Math.min(Math.max(1, Math.round(latencyUs)), HIGHEST_TRACKABLE_US));
        return;
      case 'error':
        this.errors++;
        return;
      case 'timeout':
        this.timeouts++;
        return;
      case 'dropped':
        this.dropped++;
        return;
      case 'expired':
        this.dropped++;
        this.expired++;
        return;
    }
  }

  /**
   * Places a completion (recorded with record()) by the ticks between its arrival and now: 0 when it
   * arrived in this window's tick, the last age also holding the older ones. A run counts what
   * became of the requests that arrived in its window by these ages (proto completed_by_age).
   */
  recordCompletionAge(ageTicks: number): void {
    const a = Math.min(COMPLETED_BY_AGE_TICKS - 1, Math.max(0, Math.floor(ageTicks)));
    this.completedByAge[a] = (this.completedByAge[a] ?? 0) + 1;
  }

  /** Figures since the window started (or was last reset). Percentiles over completed invocations. */
  figures(nowMs: number): WindowFigures {
    const windowMs = Math.max(0, nowMs - this.startedMs);
    const has = this.completed > 0;
    const pct = (p: number): number => (has ? usToMs(this.histogram.getValueAtPercentile(p)) : 0);
    return {
      completed: this.completed,
      errors: this.errors,
      timeouts: this.timeouts,
      dropped: this.dropped,
      expired: this.expired,
      arrived: this.arrived,
      // Trailing zero ages are left off: most ticks send one or two entries.
      completedByAge: this.completedByAge.slice(0, this.completedByAge.findLastIndex((n) => n > 0) + 1),
      latencyP50Ms: pct(50),
      latencyP95Ms: pct(95),
      latencyP99Ms: pct(99),
      achievedRps: windowMs > 0 ? this.completed / msToS(windowMs) : 0,
      windowMs,
      latencyMeanMs: has ? usToMs(this.histogram.mean) : 0,
      latencyMaxMs: has ? usToMs(this.histogram.maxValue) : 0,
      handlerMeanUs: has ? this.handlerUsSum / this.completed : 0,
      ...(this.firstStartMs !== undefined && this.lastCompletionMs !== undefined
        ? { firstStartMs: this.firstStartMs, lastCompletionMs: this.lastCompletionMs }
        : {}),
    };
  }

  reset(nowMs: number): void {
    this.completed = 0;
    this.errors = 0;
    this.timeouts = 0;
    this.dropped = 0;
    this.expired = 0;
    this.arrived = 0;
    this.completedByAge.fill(0);
    this.handlerUsSum = 0;
    this.firstStartMs = undefined;
    this.lastCompletionMs = undefined;
    this.histogram.reset();
    this.startedMs = nowMs;
  }

  close(): void {
    this.histogram.destroy();
  }
}
