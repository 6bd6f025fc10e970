// Generated load. Open loop (rate): requests arrive at R/s whatever happens to earlier ones, with
// constant spacing or Poisson (exponential gaps); each is due at its scheduled time, so a late
// timer or a full queue shows up as latency or drops, never as a lower offered rate. Closed loop
// (saturate): one request outstanding per worker, the next sent as soon as one answers: the
// throughput per core of a function.
import { performance } from 'node:perf_hooks';
import type { Arrival } from './function-runtime.js';
import type { PoolRequest, SubmitOutcome } from './function-pool.js';

export interface LoadTarget {
  submit(req: PoolRequest): Promise<SubmitOutcome>;
  /** Withdraws the requests `owner` submitted that still wait for a worker (function-pool.ts). */
  withdraw?(owner: object): number;
}

export interface LoadDriver {
  readonly kind: 'rate' | 'saturate';
  /** Requests generated so far. */
  readonly sent: number;
  /**
   * Stops generating and withdraws its requests that still wait for a worker; resolves when every
   * other generated request has been answered (or dropped).
   */
  stop(): Promise<void>;
}

/** Longest sleep between timer checks: bounds how late a changed rate or a stop takes effect. */
const MAX_SLEEP_MS = 50;

export class OpenLoopDriver implements LoadDriver {
  readonly kind = 'rate';
  sent = 0;
  private nextDueMs: number;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly inflight = new Set<Promise<SubmitOutcome>>();

  constructor(
    private readonly target: LoadTarget,
    private readonly rateRps: number,
    private readonly arrival: Arrival,
    private readonly request: () => Omit<PoolRequest, 'dueMs'>,
    private readonly random: () => number = Math.random,
  ) {
    if (!(rateRps > 0) || !Number.isFinite(rateRps)) throw new RangeError(`rate must be a positive number of requests/s, got ${rateRps}`);
    this.nextDueMs = performance.now() + this.gapMs();
    this.loop();
  }

  private gapMs(): number {
    const mean = 1000 / this.rateRps;
    if (this.arrival === 'constant') return mean;
    // Exponential inter-arrival times (Poisson process); 1 - U avoids log(0).
    return -Math.log(1 - this.random()) * mean;
  }

  private loop(): void {
    if (this.stopped) return;
    const now = performance.now();
    while (this.nextDueMs <= now && !this.stopped) {
      const p = this.target.submit({ ...this.request(), dueMs: this.nextDueMs, owner: this });
      this.sent++;
      this.inflight.add(p);
      void p.then(() => this.inflight.delete(p));
      this.nextDueMs += this.gapMs();
    }
    const sleep = Math.min(MAX_SLEEP_MS, Math.max(0, this.nextDueMs - performance.now()));
    this.timer = setTimeout(() => this.loop(), sleep);
  }

  /**
   * Stops, withdrawing its requests that still wait for a worker (as the closed-loop driver does):
   * generated load nobody waits for. Waiting for them held a profile's switch from one open-loop
   * phase to the next for 20-56 s when the first phase had built a queue (a one-CPU emulated
   * carrier runs once per 4 s CFS cycle), and a test campaign ran past its time limit. Those a
   * worker already holds are answered first. Withdrawn requests were counted as arrivals (the
   * stop comes after any measured window of a run or a profile phase) and are answered nowhere.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.target.withdraw?.(this);
    await Promise.all([...this.inflight]);
  }
}

export class ClosedLoopDriver implements LoadDriver {
  readonly kind = 'saturate';
  sent = 0;
  private stopped = false;
  private readonly loops: Promise<void>[];

  constructor(
    private readonly target: LoadTarget,
    concurrency: number,
    private readonly request: () => Omit<PoolRequest, 'dueMs'>,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
    this.loops = Array.from({ length: concurrency }, () => this.run());
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.sent++;
      // prompt: the next request waits for this one's answer, so a carrier must not hold it for a batch.
      const outcome = await this.target.submit({ ...this.request(), dueMs: performance.now(), owner: this, prompt: true });
      if (outcome.status === 'unavailable') {
        // The function is gone or restarting all its workers: do not spin.
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /**
   * Stops, withdrawing its requests that still wait for a worker: they are synthetic load, and
   * waiting for them held a profile's switch from saturated to open loop for minutes (a slow
   * function's queue at its emulated speed). Those a worker already holds are answered first.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.target.withdraw?.(this);
    await Promise.all(this.loops);
  }
}
