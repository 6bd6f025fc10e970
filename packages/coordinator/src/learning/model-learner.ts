// Online refinement of the placement models from production telemetry. For every (host type,
// function) it keeps exponentially weighted sums, with time constant `tauS`, of what the agents
// report per tick: completed executions C, the function's CPU time T (seconds) and its attributed
// energy J (joules, dynamic + idle share, as the agent attributes it). Then
//   executions/s per core  E = C / T      (completions per CPU-second: a single-threaded worker
//                                           busy for one second on one core; independent of load)
//   energy per execution   W = J / C
// The profiled model (when the coordinator has one, --models) enters as a prior worth
// `priorCpuS` CPU-seconds of observation, decaying like the observations, so the estimate starts
// at the profiled figure and moves to what production shows:
//   E = (C + E0 * T0 d) / (T + T0 d),  W = (J + W0 * C0 d) / (C + C0 d),  C0 = E0 T0, d = e^(-t / tau)
// Confidence = T / (T + priorCpuS): the share of a prior's weight the observations carry; it grows
// with the CPU-seconds observed (0.5 after priorCpuS, 0.9 after 9 x priorCpuS, in the EW sum).
// Drift: an estimate with confidence >= driftMinConfidence that differs from the profiled figure
// by more than driftPct percent (logged when it starts and when it ends).
import type { Logger } from '@isawatt/common';
import type { ReportedQuality as Quality } from '@isawatt/common';
import type { FunctionTick } from '../registry/types.js';
import type { IngestedReport } from '../registry/ingested-report.js';
import type { Models } from '../workload/types.js';
import { msToS, ujToJ, usToS } from '@isawatt/common';

export interface LearnerOptions {
  /** The profiled models (prior and drift reference); undefined: estimates from telemetry alone. */
  readonly prior?: Models | undefined;
  /** Time constant of the exponential weights, in seconds (default 300). */
  readonly tauS?: number | undefined;
  /** Weight of the profiled figure, in CPU-seconds of observation (default 30). */
  readonly priorCpuS?: number | undefined;
  /** Deviation from the profiled figure that counts as drift, percent (default 15). */
  readonly driftPct?: number | undefined;
  /** Confidence needed before drift is flagged (default 0.8). */
  readonly driftMinConfidence?: number | undefined;
  readonly log?: Logger | undefined;
}

export interface ModelEstimate {
  readonly hostType: string;
  readonly function: string;
  readonly execPerSecPerCore: number;
  readonly energyPerExecJ: number;
  /** Ticks with completions that fed the estimate. */
  readonly samples: number;
  /** Exponentially weighted CPU-seconds observed (the confidence's evidence). */
  readonly observedCpuS: number;
  readonly confidence: number;
  /** The profiled figures, when known. */
  readonly profiledExecPerSecPerCore: number | undefined;
  readonly profiledEnergyPerExecJ: number | undefined;
  /** Percent difference of the estimate to the profiled figure (undefined without one). */
  readonly execDriftPct: number | undefined;
  readonly energyDriftPct: number | undefined;
  readonly drift: boolean;
  /** Worst quality of the energy figures that fed it: measured < modelled < estimated < emulated < unknown. */
  readonly energyQuality: Quality;
  readonly lastUpdateMs: number;
}

interface Cell {
  c: number;
  t: number;
  j: number;
  /** Prior decay factor d (1 at the first observation). */
  d: number;
  samples: number;
  lastMs: number;
  quality: Quality;
  drifting: boolean;
  /** The profiled figures of the pair (looked up once, when the cell is made). */
  prior: { e: number; w: number } | undefined;
}

const QUALITY_RANK: Record<Quality, number> = { unknown: 4, measured: 0, modelled: 1, estimated: 2, emulated: 3 };
/** Most (host type, function) pairs kept: telemetry is validated, but the map must stay bounded. */
const MAX_CELLS = 100_000;

export class ModelLearner {
  /** Cells by host type, then function: no key string is built per observation. */
  private readonly cells = new Map<string, Map<string, Cell>>();
  private cellCount = 0;
  private readonly tauS: number;
  private readonly priorCpuS: number;
  private readonly driftPct: number;
  private readonly driftMinConfidence: number;

  constructor(private readonly opts: LearnerOptions = {}) {
    this.tauS = opts.tauS ?? 300;
    this.priorCpuS = opts.priorCpuS ?? 30;
    this.driftPct = opts.driftPct ?? 15;
    this.driftMinConfidence = opts.driftMinConfidence ?? 0.8;
  }

  /** Time constant of the exponential weights, in seconds. */
  get tauSeconds(): number {
    return this.tauS;
  }

  /** One tick of one function on a host of `hostType`, ending at `atMs` and lasting `intervalMs`. */
  observe(hostType: string, f: FunctionTick, intervalMs: number, atMs: number): void {
    this.add(hostType, f.function, Number(f.invocations.completed), usToS(f.cpuTimeUs), ujToJ(f.totalEnergyUj), f.quality, intervalMs, atMs);
  }

  /** Every function of one ingested report, read from its columns (the ingest path's hot loop). */
  observeReport(hostType: string, r: IngestedReport): void {
    const n = r.functionCount;
    let byFn: Map<string, Cell> | undefined;
    for (let i = 0; i < n; i++) {
      const completed = r.completed(i);
      const cpuS = usToS(r.cpuTimeUs(i));
      if (!(completed > 0) || !(cpuS > 0) || !(r.intervalMs > 0)) continue;
      byFn ??= this.cellsOf(hostType);
      this.addTo(byFn, hostType, r.functionName(i), completed, cpuS, ujToJ(r.totalEnergyUj(i)), r.quality(i), r.timestampMs);
    }
  }

  private cellsOf(hostType: string): Map<string, Cell> {
    let byFn = this.cells.get(hostType);
    if (!byFn) {
      byFn = new Map();
      this.cells.set(hostType, byFn);
    }
    return byFn;
  }

  private add(hostType: string, fn: string, completed: number, cpuS: number, energyJ: number, quality: Quality, intervalMs: number, atMs: number): void {
    if (!(completed > 0) || !(cpuS > 0) || !(intervalMs > 0)) return;
    this.addTo(this.cellsOf(hostType), hostType, fn, completed, cpuS, energyJ, quality, atMs);
  }

  private addTo(byFn: Map<string, Cell>, hostType: string, fn: string, completed: number, cpuS: number, energyJ: number, quality: Quality, atMs: number): void {
    let cell = byFn.get(fn);
    if (!cell) {
      if (this.cellCount >= MAX_CELLS) return;
      cell = { c: 0, t: 0, j: 0, d: 1, samples: 0, lastMs: atMs, quality, drifting: false, prior: this.profiled(hostType, fn) };
      byFn.set(fn, cell);
      this.cellCount++;
    }
    const decay = Math.exp(-msToS(Math.max(0, atMs - cell.lastMs)) / this.tauS);
    cell.c = cell.c * decay + completed;
    cell.t = cell.t * decay + cpuS;
    cell.j = cell.j * decay + energyJ;
    cell.d *= decay;
    cell.samples++;
    cell.lastMs = Math.max(cell.lastMs, atMs);
    if (QUALITY_RANK[quality] > QUALITY_RANK[cell.quality]) cell.quality = quality;
    // Without a profiled figure there is no drift: nothing to compute per observation.
    if (cell.prior !== undefined || cell.drifting) this.checkDrift(hostType, fn, cell);
  }

  /**
   * The profiled figures production is compared with. Production runs a function below saturation
   * (plans leave headroom), where executions per CPU-second and energy per execution are what the
   * profile's open-loop phase measured, not the saturated figures: with open-loop figures in the
   * models, those are the prior, or every function with idle time would be flagged as drifting.
   * With several open-loop points, `openLoop` is the highest: the nearest to the utilisation plans
   * run at (up to 1 / (1 + headroom)).
   */
  private profiled(hostType: string, fn: string): { e: number; w: number } | undefined {
    const m = this.opts.prior?.hostTypes[hostType]?.functions[fn];
    if (!m) return undefined;
    const f = m.openLoop ?? m;
    return { e: f.execPerSecPerCore, w: f.energyPerExecJ };
  }

  private estimate(hostType: string, fn: string, cell: Cell): ModelEstimate {
    const p = this.profiled(hostType, fn);
    const t0 = p ? this.priorCpuS * cell.d : 0;
    const c0 = p ? p.e * t0 : 0;
    const e = (cell.c + (p ? p.e * t0 : 0)) / (cell.t + t0);
    const w = (cell.j + (p ? p.w * c0 : 0)) / (cell.c + c0);
    const confidence = cell.t / (cell.t + this.priorCpuS);
    const execDriftPct = p ? ((e - p.e) / p.e) * 100 : undefined;
    const energyDriftPct = p ? ((w - p.w) / p.w) * 100 : undefined;
    const drift =
      p !== undefined &&
      confidence >= this.driftMinConfidence &&
      (Math.abs(execDriftPct ?? 0) > this.driftPct || Math.abs(energyDriftPct ?? 0) > this.driftPct);
    return {
      hostType,
      function: fn,
      execPerSecPerCore: e,
      energyPerExecJ: w,
      samples: cell.samples,
      observedCpuS: cell.t,
      confidence,
      profiledExecPerSecPerCore: p?.e,
      profiledEnergyPerExecJ: p?.w,
      execDriftPct,
      energyDriftPct,
      drift,
      energyQuality: cell.quality,
      lastUpdateMs: cell.lastMs,
    };
  }

  /** The estimate's `drift`, computed without building the estimate (per observation). */
  private isDrifting(cell: Cell): boolean {
    const p = cell.prior;
    if (p === undefined) return false;
    const t0 = this.priorCpuS * cell.d;
    const c0 = p.e * t0;
    const e = (cell.c + p.e * t0) / (cell.t + t0);
    const w = (cell.j + p.w * c0) / (cell.c + c0);
    const confidence = cell.t / (cell.t + this.priorCpuS);
    return confidence >= this.driftMinConfidence && (Math.abs(((e - p.e) / p.e) * 100) > this.driftPct || Math.abs(((w - p.w) / p.w) * 100) > this.driftPct);
  }

  private checkDrift(hostType: string, fn: string, cell: Cell): void {
    if (this.isDrifting(cell) === cell.drifting) return;
    const est = this.estimate(hostType, fn, cell);
    if (est.drift === cell.drifting) return;
    cell.drifting = est.drift;
    const fields = {
      hostType,
      function: fn,
      execPerSecPerCore: est.execPerSecPerCore,
      profiled: est.profiledExecPerSecPerCore,
      execDriftPct: est.execDriftPct,
      energyPerExecJ: est.energyPerExecJ,
      energyDriftPct: est.energyDriftPct,
      confidence: est.confidence,
    };
    if (est.drift) this.opts.log?.warn(fields, 'model drift: production differs from the profiled model');
    else this.opts.log?.info(fields, 'model drift ended');
  }

  /** Every estimate, by host type then function. */
  estimates(): ModelEstimate[] {
    const out: ModelEstimate[] = [];
    for (const [hostType, byFn] of this.cells) for (const [fn, cell] of byFn) out.push(this.estimate(hostType, fn, cell));
    return out.sort((a, b) => a.hostType.localeCompare(b.hostType) || a.function.localeCompare(b.function));
  }
}
