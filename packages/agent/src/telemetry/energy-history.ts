// The meter's energy as a function of time, so that host energy can be read over any recent span,
// not only over the agent's own tick. hwpc-sensor releases a tick's counts one or two seconds after
// the tick; pairing them with the energy the agent measured over its current tick mixes two
// different seconds (a check with a known ground truth under-attributed by 11-51 %). With this
// history the monitor takes the energy between the sensor's own tick timestamps instead.
// Cumulative energy per domain is kept at each meter sample (wall-clock ms, as the sensor's
// timestamps are) and interpolated linearly in between: RAPL-like counters integrate power, so
// between two reads the best estimate of the cumulative energy is the straight line.

export interface EnergyPoint {
  readonly atMs: number;
  /** Cumulative µJ per domain since the history started. */
  readonly cumulativeUj: ReadonlyMap<string, bigint>;
}

export interface DomainEnergy {
  readonly domain: string;
  readonly energyUj: bigint;
}

export class EnergyHistory {
  private readonly points: EnergyPoint[] = [];
  private readonly totals = new Map<string, bigint>();

  constructor(private readonly capacity = 64) {}

  /** Adds one meter sample: the energy of each domain since the previous sample, read at `atMs`. */
  record(atMs: number, deltas: readonly DomainEnergy[]): void {
    for (const d of deltas) this.totals.set(d.domain, (this.totals.get(d.domain) ?? 0n) + d.energyUj);
    const last = this.points[this.points.length - 1];
    if (last !== undefined && atMs <= last.atMs) return; // a clock step backwards: keep the series monotonic
    this.points.push({ atMs, cumulativeUj: new Map(this.totals) });
    if (this.points.length > this.capacity) this.points.shift();
  }

  /** Oldest and newest sample times, or undefined when fewer than two samples exist. */
  range(): { fromMs: number; toMs: number } | undefined {
    const first = this.points[0];
    const last = this.points[this.points.length - 1];
    return first && last && this.points.length >= 2 ? { fromMs: first.atMs, toMs: last.atMs } : undefined;
  }

  /** Energy per domain between two times inside the recorded range; undefined outside it. */
  between(startMs: number, endMs: number): DomainEnergy[] | undefined {
    const r = this.range();
    if (r === undefined || startMs < r.fromMs || endMs > r.toMs || endMs < startMs) return undefined;
    const a = this.at(startMs);
    const b = this.at(endMs);
    return [...b].map(([domain, ub]) => {
      const ua = a.get(domain) ?? 0n;
      return { domain, energyUj: ub > ua ? ub - ua : 0n };
    });
  }

  /** Cumulative µJ per domain at `t` (within range), by linear interpolation. */
  private at(t: number): Map<string, bigint> {
    let i = this.points.findIndex((p) => p.atMs >= t);
    if (i < 0) i = this.points.length - 1;
    const hi = this.points[i] as EnergyPoint;
    const lo = this.points[Math.max(0, i - 1)] as EnergyPoint;
    const out = new Map<string, bigint>();
    const span = hi.atMs - lo.atMs;
    // Fraction in 1/1e6 steps: bigint arithmetic keeps 64-bit counters exact.
    // eslint-disable-next-line isawatt/no-bare-scale-factor -- a fixed-point fraction, not a unit
    const f = span <= 0 ? 1_000_000n : BigInt(Math.round(((t - lo.atMs) / span) * 1_000_000));
    for (const [domain, uh] of hi.cumulativeUj) {
      const ul = lo.cumulativeUj.get(domain) ?? 0n;
      out.set(domain, ul + ((uh - ul) * f) / 1_000_000n);
    }
    return out;
  }
}
