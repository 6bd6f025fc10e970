// Exponential backoff with jitter, after grpc-js src/backoff-timeout.ts: start 1 s, x1.6, cap 120 s,
// +/-20 % jitter. Pure: the caller owns the timer (so tests need no fake clock).

export interface BackoffOptions {
  initialMs?: number;
  multiplier?: number;
  maxMs?: number;
  /** Jitter as a fraction of the delay, applied +/- (0.2 = +/-20 %). */
  jitter?: number;
  /** Random source in [0, 1) (tests pass a fixed one). */
  random?: () => number;
}

export class Backoff {
  private readonly initialMs: number;
  private readonly multiplier: number;
  private readonly maxMs: number;
  private readonly jitter: number;
  private readonly random: () => number;
  private nextBaseMs: number;
  private attemptsMade = 0;

  constructor(opts: BackoffOptions = {}) {
    this.initialMs = opts.initialMs ?? 1000;
    this.multiplier = opts.multiplier ?? 1.6;
    this.maxMs = opts.maxMs ?? 120_000;
    this.jitter = opts.jitter ?? 0.2;
    this.random = opts.random ?? Math.random;
    this.nextBaseMs = this.initialMs;
  }

  /** Delay before the next attempt, in ms; each call grows the following one. */
  nextDelayMs(): number {
    const base = this.nextBaseMs;
    this.nextBaseMs = Math.min(base * this.multiplier, this.maxMs);
    this.attemptsMade++;
    const spread = base * this.jitter;
    return Math.max(0, Math.round(base - spread + this.random() * 2 * spread));
  }

  /** Attempts made since the last reset. */
  get attempts(): number {
    return this.attemptsMade;
  }

  /** Back to the initial delay (after a healthy period). */
  reset(): void {
    this.nextBaseMs = this.initialMs;
    this.attemptsMade = 0;
  }
}
