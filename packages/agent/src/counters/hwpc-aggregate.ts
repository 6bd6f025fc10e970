// Turns a stream of hwpc-sensor reports into per-interval activity: buffers reports by sensor tick,
// releases a tick once a later one has arrived (reports of one tick come in bursts, and a CSV group
// file may lag another), normalises the two time semantics of hwpc-sensor's versions to deltas, and
// sums counts per target and socket. Pure (no I/O), so both the TCP and the CSV input share it.
//  - <= v1.6.0: event counts are per tick (PERF_EVENT_IOC_RESET), time_enabled/time_running are
//    cumulative since the event was enabled.
//  - v1.7.0: everything is a delta; a target's first report holds totals since enable.
import type { HwpcCpuReading, HwpcReport } from './hwpc-report.js';
import { nsToUs } from '@isawatt/common';

export type HwpcTimeSemantics = 'delta' | 'cumulative' | 'auto';

export interface HwpcAggregateOptions {
  /** "auto" (default) decides from the "all" target's time_enabled on its second tick. */
  readonly timeSemantics: HwpcTimeSemantics;
  /** Group of per-cgroup core events (hwpc `container` group; SmartWatts: "core"). */
  readonly coreGroup: string;
  /** System group with the RAPL energy event (SmartWatts: "rapl", event RAPL_ENERGY_PKG). */
  readonly raplGroup: string;
  readonly raplEvent: string;
  /**
   * The DRAM domain's event in the same group (SmartWatts: RAPL_ENERGY_DRAM). When the sensor counts
   * it, a socket's energy is package + DRAM, as the host total of the agent's own RAPL meter.
   */
  readonly raplDramEvent: string;
  /** System group with APERF/MPERF (SmartWatts: "msr"). */
  readonly msrGroup: string;
  /** Nominal frequency for APERF/MPERF, MHz (SmartWatts cpu-base-freq). */
  readonly cpuBaseFreqMhz: number;
  /** The sensor's tick, ms (hwpc `frequency`); used for the first interval only. */
  readonly sensorFrequencyMs: number;
}

export const HWPC_DEFAULTS: HwpcAggregateOptions = {
  timeSemantics: 'auto',
  coreGroup: 'core',
  raplGroup: 'rapl',
  raplEvent: 'RAPL_ENERGY_PKG',
  raplDramEvent: 'RAPL_ENERGY_DRAM',
  msrGroup: 'msr',
  cpuBaseFreqMhz: 2100,
  sensorFrequencyMs: 1000,
};

/** What the reports of the released ticks add up to. */
export interface HwpcActivity {
  /** Sensor ticks consumed, and the span they cover, ms. */
  readonly ticks: number;
  readonly intervalMs: number;
  /** Sensor timestamps (ms since epoch) of the span: the previous released tick (or one interval earlier) to the last. */
  readonly spanStartMs: number;
  readonly spanEndMs: number;
  /** Per hwpc target (cgroup path relative to the base path): socket -> event -> count, scaled for multiplexing. */
  readonly eventsByTarget: ReadonlyMap<string, Map<number, Map<string, bigint>>>;
  /** Per target: Σ time_running deltas of its core events = CPU time of the cgroup, µs. */
  readonly cpuTimeUsByTarget: ReadonlyMap<string, bigint>;
  /** Core event names seen so far, sorted (the model's feature order). */
  readonly events: readonly string[];
  /** Energy per socket from the "all" target's RAPL event, µJ. Empty without a rapl group. */
  readonly energyUjBySocket: ReadonlyMap<number, bigint>;
  /** cpuBaseFreq × ΣAPERF/ΣMPERF per socket, MHz. Empty without an msr group. */
  readonly frequencyMhzBySocket: ReadonlyMap<number, number>;
  /** Which semantics was applied (after auto-detection). */
  readonly timeSemantics: 'delta' | 'cumulative' | 'undecided';
  readonly warnings: readonly string[];
}

interface MutableReading {
  events: Map<string, bigint>;
  timeEnabledNs: bigint;
  timeRunningNs: bigint;
}

type Groups = Map<string, Map<number, Map<number, MutableReading>>>;

const TWO_POW_32 = 1n << 32n;

export class HwpcAggregator {
  private readonly opts: HwpcAggregateOptions;
  /** timestamp -> target -> merged groups. */
  private readonly pending = new Map<number, Map<string, { sensor: string; groups: Groups }>>();
  private newestTs = -1;
  private lastReleasedTs: number | undefined;
  private semantics: 'delta' | 'cumulative' | undefined;
  private readonly prevTimes = new Map<string, { te: bigint; tr: bigint }>();
  private readonly raplCarry = new Map<number, bigint>();
  private readonly eventNames = new Set<string>();
  private lateReports = 0;

  constructor(opts: Partial<HwpcAggregateOptions> = {}) {
    this.opts = { ...HWPC_DEFAULTS, ...opts };
    if (this.opts.timeSemantics !== 'auto') this.semantics = this.opts.timeSemantics;
  }

  /** Adds one report (a full socket-output report or one CSV row); false when it came too late. */
  add(report: HwpcReport): boolean {
    if (this.lastReleasedTs !== undefined && report.timestampMs <= this.lastReleasedTs) {
      // That tick was already summed; adding it now would double-count or misplace it.
      this.lateReports++;
      return false;
    }
    let byTarget = this.pending.get(report.timestampMs);
    if (byTarget === undefined) {
      byTarget = new Map();
      this.pending.set(report.timestampMs, byTarget);
    }
    let entry = byTarget.get(report.target);
    if (entry === undefined) {
      entry = { sensor: report.sensor, groups: new Map() };
      byTarget.set(report.target, entry);
    }
    for (const [g, sockets] of report.groups) {
      let gs = entry.groups.get(g);
      if (gs === undefined) entry.groups.set(g, (gs = new Map<number, Map<number, MutableReading>>()));
      for (const [s, cpus] of sockets) {
        let cs = gs.get(s);
        if (cs === undefined) gs.set(s, (cs = new Map<number, MutableReading>()));
        for (const [c, r] of cpus) cs.set(c, { events: new Map(r.events), timeEnabledNs: r.timeEnabledNs, timeRunningNs: r.timeRunningNs });
      }
    }
    if (report.timestampMs > this.newestTs) this.newestTs = report.timestampMs;
    return true;
  }

  /** Number of buffered ticks (complete or not). */
  get pendingTicks(): number {
    return this.pending.size;
  }

  /**
   * Sums every complete tick (older than the newest seen; with `all`, every tick) and forgets them.
   */
  release(all = false): HwpcActivity {
    const warnings: string[] = [];
    if (this.lateReports > 0) {
      warnings.push(`hwpc: ${this.lateReports} report(s) arrived after their tick was consumed and were dropped`);
      this.lateReports = 0;
    }
    const ready = [...this.pending.keys()].filter((ts) => all || ts < this.newestTs).sort((a, b) => a - b);
    const eventsByTarget = new Map<string, Map<number, Map<string, bigint>>>();
    const cpuTimeUsByTarget = new Map<string, bigint>();
    const rapl = new Map<number, bigint>();
    const aperf = new Map<number, bigint>();
    const mperf = new Map<number, bigint>();

    if (this.semantics === undefined) this.decideSemantics(warnings);
    for (const ts of ready) {
      const byTarget = this.pending.get(ts);
      this.pending.delete(ts);
      if (byTarget === undefined) continue;
      for (const [target, { groups }] of byTarget) {
        this.normaliseTimes(target, groups);
        if (target === 'all') {
          this.sumSystem(groups, rapl, aperf, mperf);
          continue;
        }
        const core = groups.get(this.opts.coreGroup);
        if (core === undefined) continue;
        let bySocket = eventsByTarget.get(target);
        if (bySocket === undefined) eventsByTarget.set(target, (bySocket = new Map<number, Map<string, bigint>>()));
        let cpuNs = 0n;
        for (const [s, cpus] of core) {
          let counts = bySocket.get(s);
          if (counts === undefined) bySocket.set(s, (counts = new Map<string, bigint>()));
          for (const r of cpus.values()) {
            cpuNs += r.timeRunningNs;
            for (const [e, n] of r.events) {
              this.eventNames.add(e);
              counts.set(e, (counts.get(e) ?? 0n) + scaled(n, r));
            }
          }
        }
        cpuTimeUsByTarget.set(target, (cpuTimeUsByTarget.get(target) ?? 0n) + nsToUs(cpuNs));
      }
    }

    const energyUjBySocket = new Map<number, bigint>();
    for (const [s, units] of rapl) {
      // 2^-32 J per unit; keep the sub-µJ remainder per socket so that no energy is lost over ticks.
      const total = units * 1_000_000n + (this.raplCarry.get(s) ?? 0n);
      energyUjBySocket.set(s, total / TWO_POW_32);
      this.raplCarry.set(s, total % TWO_POW_32);
    }
    const frequencyMhzBySocket = new Map<number, number>();
    for (const [s, a] of aperf) {
      const m = mperf.get(s) ?? 0n;
      if (m > 0n) frequencyMhzBySocket.set(s, (this.opts.cpuBaseFreqMhz * Number(a)) / Number(m));
    }
    const lastTs = ready[ready.length - 1];
    let intervalMs = 0;
    let spanStartMs = 0;
    if (lastTs !== undefined) {
      intervalMs = this.lastReleasedTs === undefined ? ready.length * this.opts.sensorFrequencyMs : lastTs - this.lastReleasedTs;
      spanStartMs = lastTs - intervalMs;
      this.lastReleasedTs = lastTs;
    }
    return {
      ticks: ready.length,
      intervalMs,
      spanStartMs,
      spanEndMs: lastTs ?? 0,
      eventsByTarget,
      cpuTimeUsByTarget,
      events: [...this.eventNames].sort(),
      energyUjBySocket,
      frequencyMhzBySocket,
      timeSemantics: this.semantics ?? 'undecided',
      warnings,
    };
  }

  /** Forgets a target's cumulative-time baselines (its cgroup is gone). */
  forgetTarget(target: string): void {
    for (const k of this.prevTimes.keys()) if (k.startsWith(`${target}\u0000`)) this.prevTimes.delete(k);
  }

  /**
   * "auto": looks at the first two buffered ticks of the system target "all". Cumulative
   * time_enabled has reached ~2 ticks by the second one; a delta is ~1 tick. Decided before any tick
   * is summed, so the first tick is already read the right way.
   */
  private decideSemantics(warnings: string[]): void {
    const withAll = [...this.pending.entries()]
      .filter(([, byTarget]) => byTarget.has('all'))
      .map(([ts]) => ts)
      .sort((a, b) => a - b);
    const [t1, t2] = withAll;
    if (t1 === undefined || t2 === undefined) return;
    const spanNs = BigInt(Math.max(1, t2 - t1)) * 1_000_000n;
    let maxTe = 0n;
    for (const sockets of this.pending.get(t2)?.get('all')?.groups.values() ?? []) {
      for (const cpus of sockets.values()) for (const r of cpus.values()) if (r.timeEnabledNs > maxTe) maxTe = r.timeEnabledNs;
    }
    this.semantics = maxTe * 2n > spanNs * 3n ? 'cumulative' : 'delta';
    warnings.push(
      `hwpc: time_enabled of target "all" is ${maxTe} ns on its second ${spanNs} ns tick: ${this.semantics} times (` +
        (this.semantics === 'cumulative' ? 'hwpc-sensor <= 1.6.0' : 'hwpc-sensor >= 1.7.0') +
        ')',
    );
  }

  private normaliseTimes(target: string, groups: Groups): void {
    // Baselines are kept in every mode, so that an "auto" decision for cumulative on the second tick
    // already has the first tick's times to subtract.
    for (const [g, sockets] of groups) {
      for (const cpus of sockets.values()) {
        for (const [c, r] of cpus) {
          const key = `${target}\u0000${g}\u0000${c}`;
          const prev = this.prevTimes.get(key);
          this.prevTimes.set(key, { te: r.timeEnabledNs, tr: r.timeRunningNs });
          if (this.semantics !== 'cumulative') continue;
          if (prev === undefined || r.timeEnabledNs < prev.te || r.timeRunningNs < prev.tr) {
            // No baseline (first report of this target, or the sensor restarted): the cumulative
            // value covers an unknown span, so this tick's times are unknown (0), not days of time.
            r.timeEnabledNs = 0n;
            r.timeRunningNs = 0n;
            continue;
          }
          r.timeEnabledNs -= prev.te;
          r.timeRunningNs -= prev.tr;
        }
      }
    }
  }

  private sumSystem(groups: Groups, rapl: Map<number, bigint>, aperf: Map<number, bigint>, mperf: Map<number, bigint>): void {
    for (const [s, cpus] of groups.get(this.opts.raplGroup) ?? []) {
      // RAPL is per package: SmartWatts reads the first CPU of the socket (one CPU per socket mode).
      const first = [...cpus.keys()].sort((a, b) => a - b)[0];
      const events = first === undefined ? undefined : cpus.get(first)?.events;
      const v = events?.get(this.opts.raplEvent);
      if (v !== undefined) rapl.set(s, (rapl.get(s) ?? 0n) + v + (events?.get(this.opts.raplDramEvent) ?? 0n));
    }
    for (const [s, cpus] of groups.get(this.opts.msrGroup) ?? []) {
      for (const r of cpus.values()) {
        aperf.set(s, (aperf.get(s) ?? 0n) + (r.events.get('APERF') ?? 0n));
        mperf.set(s, (mperf.get(s) ?? 0n) + (r.events.get('MPERF') ?? 0n));
      }
    }
  }
}

/** Count corrected for multiplexing: n × enabled / running (hwpc-sensor leaves this to consumers). */
function scaled(n: bigint, r: HwpcCpuReading | MutableReading): bigint {
  if (r.timeRunningNs > 0n && r.timeEnabledNs > r.timeRunningNs) return (n * r.timeEnabledNs) / r.timeRunningNs;
  return n;
}
