// When a bandwidth-limited carrier worker (emulated CPUs, function-pool.ts `carrier`) may be woken.
// The emulator charges every real microsecond of a carrier's cgroup at 1/share emulated CPU time
// (docs/agent.md, "Emulation"), including what the worker spends per wake-up (its runtime's event
// loop, the pipe, cold caches): a Node carrier woken per request paid about twice the CPU per
// execution of one serving a batch, so a fast function's carrier spent its whole CFS quota at any
// rate. On a real server a wake-up costs microseconds of real time, not 1/share of them. So a
// carrier that ran out of work (its pipe emptied with nothing waiting) is woken at most once per
// CFS period: requests that arrive after that wait in the pool's queue (where they count for its
// bounds, drops and latency) until one period has passed since the carrier's last wake-up, then go
// over together. While it has work (requests in its pipe, or waiting when its pipe emptied: it
// answered faster than the agent topped it up) it is topped up at once. A request waits at most
// one period (the CFS throttle makes it wait up to that long at a busy carrier anyway).

export interface GateClock {
  /** Monotonic time, ms. */
  now(): number;
  /** Calls `fn` after `ms`; the returned function cancels it. */
  after(ms: number, fn: () => void): () => void;
}

/** performance.now() and an unref'd timer (a held request never keeps a stopping process alive on its own). */
export const realGateClock: GateClock = {
  now: () => performance.now(),
  after: (ms, fn) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};

export class CarrierWakeGate {
  /** When the worker was last woken: handed a request after it ran out of work. */
  private lastWakeMs: number | undefined;
  /** Out of work (markIdle() since the last hand-over): the next hand-over wakes it. */
  private idle = true;
  private cancelTimer: (() => void) | undefined;
  private closed = false;

  /**
   * @param periodMs the worker's CFS period now, ms (undefined: not bandwidth-limited, never held)
   * @param onOpen called once the held worker may be woken (the pool hands it what waits)
   */
  constructor(
    private readonly periodMs: () => number | undefined,
    private readonly onOpen: () => void,
    private readonly clock: GateClock = realGateClock,
  ) {}

  /**
   * May the worker, with `inFlight` requests in its pipe, be handed one now? Always while it has
   * work; once it ran out (markIdle()), when a period has passed since its last wake-up. When it
   * may not, onOpen is called when it may.
   */
  mayTake(inFlight: number): boolean {
    if (inFlight > 0 || !this.idle || this.closed) return true;
    const wait = this.waitMs();
    if (wait <= 0) return true;
    if (this.cancelTimer === undefined) {
      this.cancelTimer = this.clock.after(wait, () => {
        this.cancelTimer = undefined;
        if (!this.closed) this.onOpen();
      });
    }
    return false;
  }

  /** A request was written to the worker: if it was out of work, this woke it. */
  handed(): void {
    if (!this.idle) return;
    this.idle = false;
    this.lastWakeMs = this.clock.now();
  }

  /** Out of work: the next hand-over wakes it. */
  outOfWork(): boolean {
    return this.idle && !this.closed;
  }

  /** The worker's pipe emptied and nothing waits for it: out of work until the next hand-over. */
  markIdle(): void {
    this.idle = true;
  }

  /** How long a request would wait now for the worker, out of work, to be woken, ms (0: none). */
  waitMs(): number {
    const period = this.periodMs();
    if (!this.idle || period === undefined || !(period > 0) || this.lastWakeMs === undefined) return 0;
    return Math.max(0, this.lastWakeMs + period - this.clock.now());
  }

  /** Stops the timer: the worker's slot is gone (what waits stays in the pool's queue). */
  close(): void {
    this.closed = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }
}
