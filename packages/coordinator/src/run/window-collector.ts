// Totals of the agents' telemetry over a run's measured window. Each report covers one tick,
// (timestamp_ms - interval_ms, timestamp_ms]; a tick counts when it ends inside (fromMs, toMs], so
// the window measured is the sum of those ticks' intervals (within one tick of the requested
// window) and rates are divided by that sum, never by the nominal duration. Latency percentiles of
// a run are the completion-weighted means of the ticks' percentiles (the agents report
// percentiles per tick, not histograms): an approximation, labelled so in docs/experiments.md.
//
// What a function achieved is counted by arrival: of the requests that arrived in the window's
// ticks, those that completed, whenever they did. Agents say by how many ticks each completion
// trails its arrival (completed_by_age), so completions in the window of requests that arrived
// before it are left out, and completions after it (up to COMPLETED_BY_AGE_TICKS - 1 ticks) of
// requests that arrived in it are counted. Counting the completions inside the window instead made
// the figure depend on how many requests were in flight at its two edges: with constant arrivals on
// a carrier that runs in bursts, 85 of 87 arrivals read as a missed rate with nothing dropped.
import { COMPLETED_BY_AGE_TICKS, type wire } from '@isawatt/common';
import type { EnergyQuality } from '../results/run-record.js';
import { msToS, ujToJ } from '@isawatt/common';

export interface FunctionTotals {
  completed: number;
  errors: number;
  timeouts: number;
  /** Arrivals not served: the queue was full, or they expired in it (counted in expired too). */
  dropped: number;
  /** Of dropped: arrivals that waited in the queue past the function's timeout without a worker. */
  expired: number;
  /** Requests that arrived in the window (the offered load; 0 from agents that do not report it). */
  arrived: number;
  /** Of arrived: those that completed, in the window or within its drain (see the header). */
  servedOfArrivals: number;
  /** Whether the agent broke completions down by age (else servedOfArrivals is meaningless). */
  byArrival: boolean;
  dynamicEnergyJ: number;
  /** Σ completed × tick percentile, for completion-weighted means. */
  p50Weighted: number;
  p95Weighted: number;
  p99Weighted: number;
  cores: number;
}

export interface HostTotals {
  hostId: string;
  ticks: number;
  /**
   * The wall-clock time the counted ticks cover: from the end of the host's last tick before the
   * window to the end of its last tick inside it (the ticks' invocation counts are per tick, so
   * they cover exactly that). Σ interval_ms when no earlier tick was seen.
   */
  windowMs: number;
  /** Σ interval_ms of the counted ticks: the span the energy figures cover (see energyScale). */
  intervalSumMs: number;
  energyJ: number;
  quality: EnergyQuality;
  source: string;
  /** Per tick: seconds since fromMs at the end of the tick, and the tick's mean power. */
  series: { tS: number; powerW: number }[];
  functions: Map<string, FunctionTotals>;
}

const QUALITY: Record<string, EnergyQuality> = {
  QUALITY_MEASURED: 'measured',
  QUALITY_MODELLED: 'modelled',
  QUALITY_ESTIMATED: 'estimated',
  QUALITY_EMULATED: 'emulated',
};

/** Worst first: a total is only as good as its worst part. */
const QUALITY_RANK: readonly EnergyQuality[] = ['simulated', 'emulated', 'estimated', 'modelled', 'measured'];

export function worstQuality(qs: readonly EnergyQuality[]): EnergyQuality {
  let worst: EnergyQuality = 'measured';
  for (const q of qs) if (QUALITY_RANK.indexOf(q) < QUALITY_RANK.indexOf(worst)) worst = q;
  return worst;
}

export function qualityFromWire(q: string): EnergyQuality {
  // An unspecified quality is treated as the weakest live label rather than passed off as measured.
  return QUALITY[q] ?? 'estimated';
}

export class WindowCollector {
  private readonly hosts = new Map<string, HostTotals>();
  /** Per host, the end of its last tick at or before the window's start. */
  private readonly beforeMs = new Map<string, number>();
  /** Per host, the end of its last tick inside the window. */
  private readonly lastInMs = new Map<string, number>();
  /** Per host, the tick numbers (seq, of one agent session) the window counted arrivals in. */
  private readonly windowSeqs = new Map<string, { session: string; first: number; last: number }>();
  /** Per host, the newest tick number seen after the window (how far its drain has come). */
  private readonly drainSeq = new Map<string, number>();

  constructor(
    private fromMs: number,
    private toMs: number,
  ) {}

  /** Moves the window (set once the warm-up is over); ticks already added are kept only if inside. */
  setWindow(fromMs: number, toMs: number): void {
    this.fromMs = fromMs;
    this.toMs = toMs;
  }

  add(ev: wire.TelemetryEvent__Output): void {
    const r = ev.report;
    if (!r) return;
    const endMs = Number(r.timestamp_ms);
    if (endMs <= this.fromMs) this.beforeMs.set(ev.host_id, Math.max(endMs, this.beforeMs.get(ev.host_id) ?? 0));
    if (endMs > this.toMs) {
      this.addDrain(ev.host_id, r);
      return;
    }
    if (endMs <= this.fromMs) return;
    this.lastInMs.set(ev.host_id, Math.max(endMs, this.lastInMs.get(ev.host_id) ?? 0));
    this.noteWindowTick(ev.host_id, Number(r.seq), r.session_id);
    let h = this.hosts.get(ev.host_id);
    if (!h) {
      h = {
        hostId: ev.host_id,
        ticks: 0,
        windowMs: 0,
        intervalSumMs: 0,
        energyJ: 0,
        quality: qualityFromWire(r.host_quality),
        source: r.energy_source,
        series: [],
        functions: new Map(),
      };
      this.hosts.set(ev.host_id, h);
    }
    h.ticks++;
    h.intervalSumMs += r.interval_ms;
    h.energyJ += ujToJ(Number(r.host_energy_uj));
    h.quality = worstQuality([h.quality, qualityFromWire(r.host_quality)]);
    h.series.push({ tS: msToS(endMs - this.fromMs), powerW: r.host_power_w });
    for (const f of r.functions) {
      let t = h.functions.get(f.function);
      if (!t) {
        t = {
          completed: 0,
          errors: 0,
          timeouts: 0,
          dropped: 0,
          expired: 0,
          arrived: 0,
          servedOfArrivals: 0,
          byArrival: false,
          dynamicEnergyJ: 0,
          p50Weighted: 0,
          p95Weighted: 0,
          p99Weighted: 0,
          cores: 0,
        };
        h.functions.set(f.function, t);
      }
      this.addServed(ev.host_id, Number(r.seq), r.session_id, t, f.invocations?.completed_by_age);
      const inv = f.invocations;
      const completed = Number(inv?.completed ?? 0);
      t.completed += completed;
      t.errors += Number(inv?.errors ?? 0);
      t.timeouts += Number(inv?.timeouts ?? 0);
      t.dropped += Number(inv?.dropped ?? 0);
      t.expired += Number(inv?.expired ?? 0);
      t.arrived += Number(inv?.arrived ?? 0);
      t.dynamicEnergyJ += ujToJ(Number(f.dynamic_energy_uj));
      t.p50Weighted += completed * (inv?.latency_p50_ms ?? 0);
      t.p95Weighted += completed * (inv?.latency_p95_ms ?? 0);
      t.p99Weighted += completed * (inv?.latency_p99_ms ?? 0);
      t.cores = Math.max(t.cores, f.cores);
    }
  }

  private noteWindowTick(hostId: string, seq: number, session: string): void {
    const w = this.windowSeqs.get(hostId);
    // A new session (the agent restarted in the window) starts the count again: tick numbers of
    // two sessions cannot be compared. Its earlier ticks' arrivals are then not followed up.
    if (!w || w.session !== session) this.windowSeqs.set(hostId, { session, first: seq, last: seq });
    else w.last = Math.max(w.last, seq);
  }

  /** Adds a tick's completions of requests that arrived in the window's ticks. */
  private addServed(hostId: string, seq: number, session: string, t: FunctionTotals, ages: readonly (string | number)[] | undefined): void {
    if (ages === undefined || ages.length === 0) return;
    t.byArrival = true;
    const w = this.windowSeqs.get(hostId);
    if (!w || w.session !== session) return;
    ages.forEach((n, a) => {
      // The last age also holds the older completions: placed at that age (an approximation only
      // for requests answered COMPLETED_BY_AGE_TICKS - 1 ticks or more after they arrived).
      const arrivalSeq = seq - Math.min(a, COMPLETED_BY_AGE_TICKS - 1);
      if (arrivalSeq >= w.first && arrivalSeq <= w.last) t.servedOfArrivals += Number(n);
    });
  }

  /** A tick after the window: only its completions of the window's arrivals count. */
  private addDrain(hostId: string, r: wire.TelemetryReport__Output): void {
    const h = this.hosts.get(hostId);
    const w = this.windowSeqs.get(hostId);
    if (!h || !w || w.session !== r.session_id) return;
    const seq = Number(r.seq);
    this.drainSeq.set(hostId, Math.max(seq, this.drainSeq.get(hostId) ?? 0));
    if (seq > w.last + COMPLETED_BY_AGE_TICKS - 1) return;
    for (const f of r.functions) {
      const t = h.functions.get(f.function);
      if (t) this.addServed(hostId, seq, r.session_id, t, f.invocations?.completed_by_age);
    }
  }

  /**
   * Whether every later completion of the host's window arrivals has been counted: every function
   * accounts for its arrivals (served, or failed or dropped in the window), or the host has sent
   * the ticks up to the oldest age its completions can be told apart at. Agents that predate the
   * breakdown are settled once a tick after the window arrived.
   */
  drained(hostId: string): boolean {
    const h = this.hosts.get(hostId);
    const w = this.windowSeqs.get(hostId);
    const after = this.drainSeq.get(hostId);
    if (!h || !w || after === undefined) return false;
    if (after >= w.last + COMPLETED_BY_AGE_TICKS - 1) return true;
    return [...h.functions.values()].every((f) => !f.byArrival || f.servedOfArrivals + f.errors + f.timeouts + f.dropped >= f.arrived);
  }

  /**
   * The host's totals over the window. Energy is scaled from the span its ticks' energy covers
   * (Σ interval_ms) to the wall-clock window their counts cover, as a PDU's readings are: on a
   * loaded machine an emulated host's energy spans (aligned to its counter stream) were seen to add
   * up to 43 s in a 30 s window, which inflated its energy and, divided into the counts, deflated
   * every rate by 30 %. Where both agree, the scale is 1.
   */
  host(hostId: string): HostTotals | undefined {
    const h = this.hosts.get(hostId);
    if (!h) return undefined;
    const before = this.beforeMs.get(hostId);
    const last = this.lastInMs.get(hostId);
    const windowMs = before !== undefined && last !== undefined && last > before ? last - before : h.intervalSumMs;
    const k = h.intervalSumMs > 0 ? windowMs / h.intervalSumMs : 1;
    const functions = new Map([...h.functions].map(([name, f]) => [name, { ...f, dynamicEnergyJ: f.dynamicEnergyJ * k }]));
    return { ...h, windowMs, energyJ: h.energyJ * k, functions };
  }
}
