// The tick loop (Kepler's monitor): every interval it reads /proc/stat under the procfs root,
// samples the energy meter, the activity source and the runtime's invocation figures, asks the
// attributor to split the host energy, and publishes one immutable TickSnapshot. It is the only
// writer; readers (the coordinator link, /metrics, `run`) use the TelemetrySource side.
//
// Without a meter the host energy is 0 µJ with quality "estimated" and source "none": honest about
// knowing nothing, never a made-up figure.
import { deepFreeze, delay, type Logger, type Quality, type Service, powerW } from '@isawatt/common';
import { EventEmitter } from 'node:events';
import type { AttributionResult, Attributor } from '../attribution/attributor.js';
import type { ActivitySample, ActivitySource } from '../counters/activity-source.js';
import type { FrequencyReader, FrequencySample } from '../frequency/frequency-reader.js';
import type { FunctionRuntime } from '../runtime/function-runtime.js';
import type { DomainSample, EnergyMeter, MeterSample } from '../sensors/energy-meter.js';
import { EnergyHistory } from './energy-history.js';
import { systemClock, type Clock } from './clock.js';
import { readProcStat, utilizationBetween, type ProcStat } from '../hostfs/proc-stat.js';
import type { DomainFigure, FunctionFigure, InvocationFigures, TelemetrySource, TickSnapshot } from './snapshot.js';

/** CPU time (µs, user + system, cumulative) and resident memory (bytes) of the agent process. */
export interface ProcessFigures {
  cpuTimeUs(): bigint;
  rssBytes(): number;
}

export const nodeProcessFigures: ProcessFigures = {
  cpuTimeUs: () => {
    const u = process.cpuUsage();
    return BigInt(u.user + u.system);
  },
  rssBytes: () => process.memoryUsage.rss(),
};

export interface MonitorOptions {
  readonly procfsRoot: string;
  readonly intervalMs: number;
  readonly log: Logger;
  /** Socket of each logical CPU (attribution input). */
  readonly socketOfCpu: ReadonlyMap<number, number>;
  /** Initialised by its creator (createMeter); the monitor only samples and closes it. */
  readonly meter?: EnergyMeter | undefined;
  /** Initialised by its creator; the monitor samples and closes it. */
  readonly activity?: ActivitySource | undefined;
  readonly attributor?: Attributor | undefined;
  readonly runtime?: FunctionRuntime | undefined;
  /** Initialised by its creator; sampled once a tick (it rate-limits costly reads itself). */
  readonly frequency?: FrequencyReader | undefined;
  /** CPUs whose mean frequency is reported (the function CPUs); all sampled CPUs when empty. */
  readonly functionCpus?: readonly number[];
  readonly clock?: Clock;
  readonly processFigures?: ProcessFigures;
  /**
   * When the activity source's counts cover another span than the tick (hwpc-sensor: `spanMs`),
   * attribute the energy of that span: the sensor's own RAPL energy when the sample carries it,
   * else the meter's energy interpolated over the span. Default true; false only to measure what
   * pairing them naively costs (tests).
   */
  readonly alignEnergyToActivity?: boolean;
  /**
   * When run() is aborted, take one last tick covering the time since the previous one, so that a
   * measurement window (the one-shot `isawatt-agent run`) keeps its final partial interval. Off
   * for the daemon: at shutdown nobody reads that tick. Default false.
   */
  readonly finalTickOnStop?: boolean;
}

/**
 * Longest a span-aligned activity source may go without counts before ticks are published with
 * their own energy again, ms. Below the profiler's stall limit (10 s): a profile window must keep
 * receiving ticks.
 */
const HOLD_LIMIT_MS = 8_000;

/** The energy attributed in a tick when it is not the tick's own (see alignEnergy). */
interface AlignedEnergy {
  readonly intervalMs: number;
  readonly hostEnergyUj: bigint;
  readonly quality: Quality;
  /** Where the energy comes from: "hwpc-sensor" (its RAPL group) or the meter's kind. */
  readonly source: string;
  readonly domains: readonly DomainSample[];
}

export class TelemetryMonitor extends EventEmitter<{ snapshot: [TickSnapshot] }> implements Service, TelemetrySource {
  readonly name = 'telemetry';
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly proc: ProcessFigures;
  private intervalMs: number;
  private seq = 0n;
  private latest: TickSnapshot | undefined;
  private prevStat: ProcStat | undefined;
  private prevMonoMs = 0;
  private prevAgentCpuUs = 0n;
  private meterOk = true;
  private activityOk = true;
  private statOk = true;
  private baselined = false;
  private readonly history = new EnergyHistory();
  private alignWarned = false;
  /** End of the last span the activity source covered (wall ms); undefined until it gives spans. */
  private lastSpanEndMs: number | undefined;
  private holdWarned = false;

  constructor(private readonly opts: MonitorOptions) {
    super();
    this.log = opts.log;
    this.clock = opts.clock ?? systemClock;
    this.proc = opts.processFigures ?? nodeProcessFigures;
    this.intervalMs = opts.intervalMs;
  }

  snapshot(): TickSnapshot | undefined {
    return this.latest;
  }

  /** Changes the tick length from the next tick on (the coordinator may ask for one in Welcome). */
  setIntervalMs(ms: number): void {
    if (!Number.isInteger(ms) || ms < 10) throw new RangeError(`tick interval: expected an integer >= 10 ms, got ${ms}`);
    if (ms !== this.intervalMs) this.log.info({ fromMs: this.intervalMs, toMs: ms }, 'tick interval changed');
    this.intervalMs = ms;
  }

  get tickIntervalMs(): number {
    return this.intervalMs;
  }

  /** Takes the baseline samples. The meter and the activity source come initialised (main.ts). */
  async init(): Promise<void> {
    await this.baseline();
  }

  /** Baseline reads: the first published tick then covers a real interval. */
  async baseline(): Promise<void> {
    this.prevMonoMs = this.clock.monotonicMs();
    this.prevAgentCpuUs = this.proc.cpuTimeUs();
    this.prevStat = await this.readStat();
    if (this.opts.meter) {
      const at = this.clock.nowMs();
      const s = await this.sampleMeter(at);
      if (s) this.history.record(at, s.domains);
    }
    if (this.opts.frequency) await this.sampleFrequency(this.clock.nowMs());
    if (this.opts.activity && this.opts.runtime) {
      await this.sampleActivity(this.clock.nowMs());
    }
    this.baselined = true;
  }

  /** Ticks until `signal` aborts (then the final partial tick, with finalTickOnStop). */
  async run(signal: AbortSignal): Promise<void> {
    if (!this.baselined) await this.baseline();
    // Ticks are scheduled on a fixed grid so a slow tick does not shift every later one.
    let next = this.clock.monotonicMs() + this.intervalMs;
    while (!signal.aborted) {
      if (!(await delay(Math.max(0, next - this.clock.monotonicMs()), signal))) break;
      await this.tick();
      next += this.intervalMs;
      const now = this.clock.monotonicMs();
      if (next < now) {
        this.log.debug({ behindMs: now - next }, 'tick loop behind; skipping to now');
        next = now + this.intervalMs;
      }
    }
    // A tick in flight when the abort came has finished above; this one covers the rest.
    if (this.opts.finalTickOnStop === true) await this.tick(true);
  }

  async shutdown(): Promise<void> {
    await this.opts.activity?.close().catch((err: unknown) => this.log.warn({ err }, 'activity source close failed'));
    await this.opts.meter?.close?.().catch((err: unknown) => this.log.warn({ err }, 'meter close failed'));
  }

  private async readStat(): Promise<ProcStat | undefined> {
    try {
      const s = await readProcStat(this.opts.procfsRoot);
      if (!this.statOk) this.log.info('proc/stat readable again');
      this.statOk = true;
      return s;
    } catch (err) {
      if (this.statOk) this.log.warn({ err }, 'cannot read proc/stat; CPU utilisation reported as 0 until it is readable');
      this.statOk = false;
      return undefined;
    }
  }

  private async sampleMeter(nowMs: number): Promise<MeterSample | undefined> {
    const meter = this.opts.meter;
    if (!meter) return undefined;
    try {
      const s = await meter.sample(nowMs);
      for (const w of s.warnings) this.log.debug({ meter: meter.kind, warning: w }, 'meter warning');
      if (!this.meterOk) this.log.info({ meter: meter.kind }, 'meter readable again');
      this.meterOk = true;
      return s;
    } catch (err) {
      if (this.meterOk) this.log.warn({ meter: meter.kind, err }, 'meter sample failed; host energy reported as source "none" until it recovers');
      this.meterOk = false;
      return undefined;
    }
  }

  private async sampleFrequency(nowMs: number): Promise<FrequencySample | undefined> {
    const reader = this.opts.frequency;
    if (!reader) return undefined;
    try {
      return await reader.sample(nowMs);
    } catch (err) {
      this.log.debug({ reader: reader.kind, err }, 'frequency sample failed; reported as 0 (unknown)');
      return undefined;
    }
  }

  /** Mean MHz over the function CPUs that have a figure (all sampled CPUs when none are listed). */
  private meanFrequencyMhz(f: FrequencySample | undefined): number {
    if (!f) return 0;
    const wanted = new Set(this.opts.functionCpus ?? []);
    const figures = f.cores.filter((c) => c.mhz !== null && (wanted.size === 0 || wanted.has(c.cpu))).map((c) => c.mhz as number);
    return figures.length === 0 ? 0 : figures.reduce((a, b) => a + b, 0) / figures.length;
  }

  private async sampleActivity(nowMs: number): Promise<ActivitySample | undefined> {
    const { activity, runtime } = this.opts;
    if (!activity || !runtime) return undefined;
    try {
      const sample = await activity.sample(runtime.activityTargets(), nowMs);
      if (!this.activityOk) this.log.info({ source: activity.kind }, 'activity source readable again');
      this.activityOk = true;
      return sample;
    } catch (err) {
      if (this.activityOk) this.log.warn({ source: activity.kind, err }, 'activity sample failed; functions get no attributed energy until it recovers');
      this.activityOk = false;
      return undefined;
    }
  }

  /**
   * One tick: read everything, build and publish the snapshot. Public so tests drive it by hand.
   * Undefined: the tick was held (see holdForSpan); its time is published with the next snapshot.
   * `final`: the last tick before stopping, never held (nothing would publish its figures).
   */
  async tick(final = false): Promise<TickSnapshot | undefined> {
    const nowMs = this.clock.nowMs();
    const mono = this.clock.monotonicMs();
    const intervalMs = Math.max(0, Math.round(mono - this.prevMonoMs));

    const stat = await this.readStat();

    const meterSample = await this.sampleMeter(nowMs);
    const meter = this.opts.meter;
    let hostEnergyUj = 0n;
    let hostQuality: Quality = 'estimated';
    let energySource = 'none';
    let domains: DomainFigure[] = [];
    if (meter && meterSample) {
      hostQuality = meter.quality;
      energySource = meter.kind;
      domains = meterSample.domains.map((d) => ({
        domain: d.domain,
        socket: d.socket,
        energyUj: d.energyUj,
        powerW: d.powerW,
        quality: meter.quality,
        source: meter.kind,
        inHostTotal: d.inHostTotal,
      }));
      hostEnergyUj = meterSample.domains.reduce((sum, d) => (d.inHostTotal ? sum + d.energyUj : sum), 0n);
      this.history.record(nowMs, meterSample.domains);
    }

    const freq = await this.sampleFrequency(nowMs);
    const activity = await this.sampleActivity(nowMs);
    if (!final && this.holdForSpan(activity, meterSample, nowMs)) return undefined;
    this.prevMonoMs = mono;
    const util = stat && this.prevStat ? utilizationBetween(this.prevStat, stat) : { host: 0, perCpu: [] };
    if (stat) this.prevStat = stat;
    if (activity?.spanMs !== undefined && activity.intervalMs > 0) {
      this.lastSpanEndMs = activity.spanMs.endMs;
      this.holdWarned = false;
    }
    const aligned = this.opts.alignEnergyToActivity === false ? undefined : this.alignEnergy(activity, meterSample, hostQuality, energySource);
    const attributedIntervalMs = aligned?.intervalMs ?? intervalMs;
    if (aligned) {
      // The whole report then covers the counts' span (it trails the tick by the sensor's delay):
      // host energy, domains and attribution stay one consistent set, and the invariant
      // Σ dynamic + idle = host energy holds. Consecutive spans are contiguous: nothing is lost.
      hostEnergyUj = aligned.hostEnergyUj;
      hostQuality = aligned.quality;
      energySource = aligned.source;
      domains = aligned.domains.map((d) => ({ ...d, quality: aligned.quality, source: aligned.source }));
    }
    let attribution: AttributionResult = { method: 'none', modelErrorW: -1, idleEnergyUj: hostEnergyUj, functions: [] };
    if (this.opts.attributor) {
      // Frequency from the reader; where it has none (no cpufreq/CPPC), the sensor's APERF/MPERF.
      const readerMhz = freq?.mhzBySocket ?? new Map<number, number>();
      const frequencyMhzBySocket = readerMhz.size === 0 && activity?.frequencyMhzBySocket ? activity.frequencyMhzBySocket : readerMhz;
      try {
        attribution = this.opts.attributor.attribute({
          timestampMs: nowMs,
          intervalMs: attributedIntervalMs,
          hostEnergyUj,
          hostQuality,
          domains: aligned?.domains ?? meterSample?.domains ?? [],
          activity,
          cpuUtilization: util.host,
          frequencyMhzBySocket,
          socketOfCpu: this.opts.socketOfCpu,
        });
      } catch (err) {
        this.log.warn({ method: this.opts.attributor.method, err }, 'attribution failed this tick; all energy left unattributed');
      }
    }

    const functions = this.functionFigures(attribution, activity, hostQuality, attributedIntervalMs);
    const agentCpu = this.proc.cpuTimeUs();
    const agentCpuTimeUs = agentCpu >= this.prevAgentCpuUs ? agentCpu - this.prevAgentCpuUs : 0n;
    this.prevAgentCpuUs = agentCpu;

    this.seq += 1n;
    const snap: TickSnapshot = deepFreeze({
      seq: this.seq,
      timestampMs: nowMs,
      intervalMs: attributedIntervalMs,
      cpuUtilization: util.host,
      cpuUtilizationPerCpu: util.perCpu,
      cpuFrequencyMhz: this.meanFrequencyMhz(freq),
      hostEnergyUj,
      hostPowerW: powerW(hostEnergyUj, attributedIntervalMs),
      hostQuality,
      energySource,
      domains,
      attribution: attribution.method,
      modelErrorW: attribution.modelErrorW,
      idleEnergyUj: attribution.idleEnergyUj,
      functions,
      assignmentVersion: this.opts.runtime?.runningVersion() ?? 0n,
      agentCpuTimeUs,
      agentRssBytes: this.proc.rssBytes(),
    });
    this.latest = snap;
    this.emit('snapshot', snap);
    return snap;
  }

  /**
   * The energy over the span the activity counts cover, when that is not this tick: the source's
   * own per-socket energy (hwpc-sensor's RAPL group, measured over exactly its ticks), else the
   * meter's energy interpolated between the span's ends. Undefined = use the tick's own energy.
   */
  private alignEnergy(
    activity: ActivitySample | undefined,
    meterSample: MeterSample | undefined,
    meterQuality: Quality,
    meterKind: string,
  ): AlignedEnergy | undefined {
    const span = activity?.spanMs;
    if (activity === undefined || span === undefined || activity.intervalMs <= 0) return undefined;
    const intervalMs = activity.intervalMs;
    const own = activity.hostEnergyUjBySocket;
    if (own !== undefined && own.size > 0) {
      const domains = [...own].map(([socket, energyUj]) => ({
        domain: `package-${socket}`,
        socket,
        inHostTotal: true,
        energyUj,
        powerW: powerW(energyUj, intervalMs),
      }));
      // An emulated host's sensor stream carries emulated energy: it keeps the meter's label.
      const quality: Quality = meterQuality === 'emulated' ? 'emulated' : 'measured';
      return { intervalMs, hostEnergyUj: domains.reduce((a, d) => a + d.energyUj, 0n), quality, source: 'hwpc-sensor', domains };
    }
    const energies = meterSample ? this.history.between(span.startMs, span.endMs) : undefined;
    if (energies === undefined) {
      if (!this.alignWarned && meterSample) {
        const r = this.history.range();
        this.log.warn({ spanMs: span, historyMs: r }, "activity counts cover a span outside the recorded host energy; attributing this tick's energy instead");
        this.alignWarned = true;
      }
      return undefined;
    }
    const info = new Map((meterSample?.domains ?? []).map((d) => [d.domain, d]));
    const domains = energies.map((e) => ({
      domain: e.domain,
      socket: info.get(e.domain)?.socket ?? 0,
      inHostTotal: info.get(e.domain)?.inHostTotal ?? true,
      energyUj: e.energyUj,
      powerW: powerW(e.energyUj, intervalMs),
    }));
    return { intervalMs, hostEnergyUj: domains.reduce((a, d) => (d.inHostTotal ? a + d.energyUj : a), 0n), quality: meterQuality, source: meterKind, domains };
  }

  /**
   * True when this tick must not be published: a span-aligned source (hwpc-sensor) released no
   * counts in it. The energy of its seconds belongs to the span that will cover them once the
   * sensor's late ticks arrive (spans are contiguous; that span takes its energy from the sensor's
   * RAPL group or from the meter's history). Published now, with no counts, all of it would go to
   * idle and the same seconds would be counted again with that span: dynamic energy lost, idle and
   * the length of a profile window inflated (the emulated Altra's sensor stream arrives in bursts
   * under load; its energy per execution read up to 100x low). A held tick changes nothing: its
   * invocations, CPU time and utilisation go into the next published snapshot. Past HOLD_LIMIT_MS
   * without a span (the sensor is gone, or the history no longer holds the energy of the wait),
   * ticks are published with their own energy again.
   */
  private holdForSpan(activity: ActivitySample | undefined, meterSample: MeterSample | undefined, nowMs: number): boolean {
    const last = this.lastSpanEndMs;
    if (this.opts.alignEnergyToActivity === false || activity === undefined || last === undefined) return false;
    if (activity.spanMs !== undefined && activity.intervalMs > 0) return false;
    const range = this.history.range();
    const heldByHistory = meterSample === undefined || (range !== undefined && range.fromMs <= last);
    if (nowMs - last <= HOLD_LIMIT_MS && heldByHistory) return true;
    if (!this.holdWarned) {
      this.log.warn(
        { waitedMs: nowMs - last, lastSpanEndMs: last },
        'activity source delivered no counts for too long; publishing each tick with its own energy until it does',
      );
      this.holdWarned = true;
    }
    return false;
  }

  /** Union of running, attributed, active and invoked functions, one figure each. */
  private functionFigures(attribution: AttributionResult, activity: ActivitySample | undefined, hostQuality: Quality, intervalMs: number): FunctionFigure[] {
    const runtime = this.opts.runtime;
    const cores = new Map((runtime?.placements() ?? []).map((p) => [p.function, p.cpus.length]));
    const attributed = new Map(attribution.functions.map((f) => [f.name, f]));
    const cpu = new Map((activity?.targets ?? []).map((t) => [t.name, t.cpuTimeUs]));
    let invocations: ReadonlyMap<string, InvocationFigures> = new Map();
    if (runtime) {
      try {
        invocations = runtime.takeInvocationFigures();
      } catch (err) {
        this.log.warn({ err }, 'runtime invocation figures failed this tick');
      }
    }
    const names = new Set([...cores.keys(), ...attributed.keys(), ...cpu.keys(), ...invocations.keys()]);
    return [...names].sort().map((name) => {
      const a = attributed.get(name);
      const total = a?.totalEnergyUj ?? 0n;
      const inv = invocations.get(name);
      return {
        function: name,
        dynamicEnergyUj: a?.dynamicEnergyUj ?? 0n,
        totalEnergyUj: total,
        powerW: powerW(total, intervalMs),
        cpuTimeUs: cpu.get(name) ?? 0n,
        cores: cores.get(name) ?? 0,
        quality: a?.quality ?? hostQuality,
        ...(inv ? { invocations: inv } : {}),
      };
    });
  }
}
