// Whether each function's observed request rate is inside the band around its planned rate, with
// hysteresis and a hold time, so that a re-plan follows a lasting change and not noise:
//   in  -> out  when |observed / planned - 1| > band
//   out -> in   when |observed / planned - 1| <= band x (1 - hysteresis)
//   held        when out for holdMs without a break (reported once; `rearm` restarts the hold)
// A rate oscillating inside the band never leaves it; one hovering at the band's edge leaves once
// and does not come back in (and restart the hold) until it is well inside.

export interface BandOptions {
  /** Half-width of the band, percent of the planned rate. */
  readonly bandPct: number;
  /** Percent of the band by which a rate must come back inside before it counts as in. */
  readonly hysteresisPct: number;
  readonly holdMs: number;
}

/** A function out of its band for the hold time. */
export interface HeldFunction {
  readonly function: string;
  readonly plannedRps: number;
  readonly observedRps: number;
  /** observed / planned - 1, in percent. */
  readonly deviationPct: number;
  /** How long it has been out, in ms. */
  readonly outForMs: number;
}

interface FunctionBand {
  outSinceMs: number | undefined;
  reported: boolean;
}

export class RateBands {
  private readonly bands = new Map<string, FunctionBand>();

  constructor(private readonly opts: BandOptions) {}

  /**
   * One check: `planned` and `observed` rates (req/s) by function. Functions without a planned rate
   * (> 0) or without an observation are left as they are. Returns the functions held out.
   */
  update(planned: ReadonlyMap<string, number>, observed: ReadonlyMap<string, number>, nowMs: number): HeldFunction[] {
    const band = this.opts.bandPct / 100;
    const inner = band * (1 - this.opts.hysteresisPct / 100);
    const held: HeldFunction[] = [];
    for (const fn of [...this.bands.keys()]) if (!planned.has(fn)) this.bands.delete(fn);
    for (const [fn, plannedRps] of planned) {
      const observedRps = observed.get(fn);
      if (!(plannedRps > 0) || observedRps === undefined) continue;
      let b = this.bands.get(fn);
      if (!b) {
        b = { outSinceMs: undefined, reported: false };
        this.bands.set(fn, b);
      }
      const dev = Math.abs(observedRps / plannedRps - 1);
      if (b.outSinceMs === undefined) {
        if (dev > band) b.outSinceMs = nowMs;
      } else if (dev <= inner) {
        b.outSinceMs = undefined;
        b.reported = false;
      }
      if (b.outSinceMs !== undefined && !b.reported && nowMs - b.outSinceMs >= this.opts.holdMs) {
        b.reported = true;
        held.push({
          function: fn,
          plannedRps,
          observedRps,
          deviationPct: (observedRps / plannedRps - 1) * 100,
          outForMs: nowMs - b.outSinceMs,
        });
      }
    }
    return held;
  }

  /** The function stays out but must be held out for a full hold time again to be reported. */
  rearm(fn: string, nowMs: number): void {
    const b = this.bands.get(fn);
    if (b && b.outSinceMs !== undefined) {
      b.outSinceMs = nowMs;
      b.reported = false;
    }
  }

  /** Every function counts as in (after a re-plan changed the planned rates). */
  reset(): void {
    this.bands.clear();
  }

  /** Functions out of their band now. */
  outNow(): string[] {
    return [...this.bands].filter(([, b]) => b.outSinceMs !== undefined).map(([fn]) => fn);
  }
}
