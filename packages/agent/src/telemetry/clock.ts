// Time for the tick loop, injected so tests step it by hand (Kepler monitor WithClock).

export interface Clock {
  /** Wall clock, ms since the Unix epoch (report timestamps). */
  nowMs(): number;
  /** Monotonic ms (interval lengths; immune to wall-clock jumps). */
  monotonicMs(): number;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  monotonicMs: () => performance.now(),
};
