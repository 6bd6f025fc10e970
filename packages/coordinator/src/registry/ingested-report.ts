// A stored telemetry report as the ingest path keeps it. At 1,000 hosts x 200 functions a second,
// a report decoded into objects (200 function records, 200 invocation records, ~1,400 bigints)
// that lives for a second is most of what the garbage collector moves; so the AgentLink decoder
// (server/telemetry-decoder.ts) writes a report's function figures into typed-array columns that
// each stream reuses, and the objects (TelemetryTick) are built only when something reads the
// report as a whole: a WatchTelemetry client of that host, ListHosts, a /metrics scrape, MQTT.
// Consumers that only need a few figures per function (the model learner) read the columns.
import { COMPLETED_BY_AGE_TICKS, type DomainEnergy, type InvocationFigures, type ReportedQuality } from '@isawatt/common';
import type { FunctionTick, TelemetryTick } from './types.js';

/** What every consumer of an ingested report may read; `tick()` builds the full report once. */
export interface IngestedReport {
  readonly seq: bigint;
  readonly sessionId: string;
  readonly timestampMs: number;
  readonly intervalMs: number;
  readonly functionCount: number;
  /** Host figures the /metrics scrape reads (metrics/cluster-metrics-text.ts). */
  readonly hostPowerW: number;
  readonly energySource: string;
  hostQualityName(): ReportedQuality;
  functionName(i: number): string;
  /** Completed executions of function i over the tick (a number: exact below 2^53). */
  completed(i: number): number;
  cpuTimeUs(i: number): number;
  totalEnergyUj(i: number): number;
  quality(i: number): ReportedQuality;
  powerW(i: number): number;
  /** Completions/s of function i over the tick (0 when it carried no invocation figures). */
  achievedRps(i: number): number;
  /** The whole report as objects; built on the first call and kept. */
  tick(): TelemetryTick;
}

/** A report that is already objects (the reference decoder's output, tests). */
export class TickReport implements IngestedReport {
  constructor(private readonly t: TelemetryTick) {}
  get seq(): bigint {
    return this.t.seq;
  }
  get sessionId(): string {
    return this.t.sessionId;
  }
  get timestampMs(): number {
    return this.t.timestampMs;
  }
  get intervalMs(): number {
    return this.t.intervalMs;
  }
  get functionCount(): number {
    return this.t.functions.length;
  }
  get hostPowerW(): number {
    return this.t.hostPowerW;
  }
  get energySource(): string {
    return this.t.energySource;
  }
  hostQualityName(): ReportedQuality {
    return this.t.hostQuality;
  }
  functionName(i: number): string {
    return (this.t.functions[i] as FunctionTick).function;
  }
  completed(i: number): number {
    return Number((this.t.functions[i] as FunctionTick).invocations.completed);
  }
  cpuTimeUs(i: number): number {
    return Number((this.t.functions[i] as FunctionTick).cpuTimeUs);
  }
  totalEnergyUj(i: number): number {
    return Number((this.t.functions[i] as FunctionTick).totalEnergyUj);
  }
  quality(i: number): ReportedQuality {
    return (this.t.functions[i] as FunctionTick).quality;
  }
  powerW(i: number): number {
    return (this.t.functions[i] as FunctionTick).powerW;
  }
  achievedRps(i: number): number {
    return (this.t.functions[i] as FunctionTick).invocations.achievedRps;
  }
  tick(): TelemetryTick {
    return this.t;
  }
}

/** Columns of one function in ColumnReport.cols (stride FN_STRIDE). */
export const FN = {
  dynamicEnergyUj: 0,
  totalEnergyUj: 1,
  powerW: 2,
  cpuTimeUs: 3,
  cores: 4,
  /** 1 when the function carried InvocationStats, 0 when absent (zeros then). */
  hasInvocations: 5,
  completed: 6,
  errors: 7,
  timeouts: 8,
  dropped: 9,
  latencyP50Ms: 10,
  latencyP95Ms: 11,
  latencyP99Ms: 12,
  achievedRps: 13,
  quality: 14,
  /** InvocationStats.arrived (field 9): the requests that arrived in the tick. */
  arrived: 15,
  /** InvocationStats.expired (field 10): of dropped, the arrivals that expired in the queue. */
  expired: 16,
  /** InvocationStats.completed_by_age (field 11): its entries from here on (COMPLETED_BY_AGE_TICKS slots)... */
  completedByAge: 17,
  /** ...and how many it sent (0: none, an agent that predates the field). */
  completedByAgeCount: 17 + COMPLETED_BY_AGE_TICKS,
} as const;
export const FN_STRIDE = 18 + COMPLETED_BY_AGE_TICKS;

/** Quality codes of the columns (the wire enum's numbers; QUALITY_UNSPECIFIED is "unknown"). */
export const QUALITY_BY_CODE: readonly ReportedQuality[] = ['unknown', 'measured', 'modelled', 'estimated', 'emulated'];

/** The invocation figures of a function a report sent none for (shared, frozen). */
export const NO_INVOCATIONS: InvocationFigures = Object.freeze({
  completed: 0n,
  errors: 0n,
  timeouts: 0n,
  dropped: 0n,
  arrived: 0n,
  expired: 0n,
  latencyP50Ms: 0,
  latencyP95Ms: 0,
  latencyP99Ms: 0,
  achievedRps: 0,
});

/**
 * One report in columns. Every 64-bit figure is held as a double: the decoder only writes values
 * below 2^53 (exact) and hands anything larger to the reference decoder. The object is reused by
 * its stream for later reports (see `generation`); the registry pins the one it keeps as a host's
 * latest report so the stream decodes the next one elsewhere.
 */
export class ColumnReport implements IngestedReport {
  seq = 0n;
  sessionId = '';
  timestampMs = 0;
  intervalMs = 0;
  cpuUtilization = 0;
  cpuUtilizationPerCpu: number[] = [];
  cpuFrequencyMhz = 0;
  hostEnergyUj = 0;
  hostPowerW = 0;
  hostQuality = 0;
  energySource = '';
  domains: DomainEnergy[] = [];
  attribution = '';
  modelErrorW = 0;
  idleEnergyUj = 0;
  assignmentVersion = 0;
  agentCpuTimeUs = 0;
  agentRssBytes = 0;
  functionCount = 0;
  names: string[] = [];
  cols = new Float64Array(FN_STRIDE * 256);
  /** Bumped each time the object is rewritten with another report. */
  generation = 0;
  /** Held by the registry as a host's latest report: its stream must not decode into it. */
  pinned = false;
  private built: TelemetryTick | undefined;
  private builtGeneration = -1;

  /** Makes room for n functions and starts a new generation. */
  reset(n: number): void {
    if (this.cols.length < n * FN_STRIDE) this.cols = new Float64Array(Math.max(n, (this.cols.length / FN_STRIDE) * 2) * FN_STRIDE);
    this.cols.fill(0, 0, n * FN_STRIDE);
    this.functionCount = n;
    this.names.length = n;
    this.generation++;
    this.built = undefined;
  }

  functionName(i: number): string {
    return this.names[i] as string;
  }
  completed(i: number): number {
    return this.cols[i * FN_STRIDE + FN.completed] as number;
  }
  cpuTimeUs(i: number): number {
    return this.cols[i * FN_STRIDE + FN.cpuTimeUs] as number;
  }
  totalEnergyUj(i: number): number {
    return this.cols[i * FN_STRIDE + FN.totalEnergyUj] as number;
  }
  quality(i: number): ReportedQuality {
    return QUALITY_BY_CODE[this.cols[i * FN_STRIDE + FN.quality] as number] ?? 'unknown';
  }
  powerW(i: number): number {
    return this.cols[i * FN_STRIDE + FN.powerW] as number;
  }
  achievedRps(i: number): number {
    return this.cols[i * FN_STRIDE + FN.achievedRps] as number;
  }
  hostQualityName(): ReportedQuality {
    return QUALITY_BY_CODE[this.hostQuality] ?? 'unknown';
  }

  tick(): TelemetryTick {
    if (this.built !== undefined && this.builtGeneration === this.generation) return this.built;
    const c = this.cols;
    const functions: FunctionTick[] = new Array<FunctionTick>(this.functionCount);
    for (let i = 0; i < this.functionCount; i++) {
      const o = i * FN_STRIDE;
      const v = (k: number): number => c[o + k] as number;
      functions[i] = {
        function: this.names[i] as string,
        dynamicEnergyUj: BigInt(v(FN.dynamicEnergyUj)),
        totalEnergyUj: BigInt(v(FN.totalEnergyUj)),
        powerW: v(FN.powerW),
        cpuTimeUs: BigInt(v(FN.cpuTimeUs)),
        cores: v(FN.cores),
        invocations:
          v(FN.hasInvocations) === 0
            ? NO_INVOCATIONS
            : {
                completed: BigInt(v(FN.completed)),
                errors: BigInt(v(FN.errors)),
                timeouts: BigInt(v(FN.timeouts)),
                dropped: BigInt(v(FN.dropped)),
                arrived: BigInt(v(FN.arrived)),
                expired: BigInt(v(FN.expired)),
                ...(v(FN.completedByAgeCount) > 0
                  ? { completedByAge: Array.from({ length: v(FN.completedByAgeCount) }, (_, a) => BigInt(v(FN.completedByAge + a))) }
                  : {}),
                latencyP50Ms: v(FN.latencyP50Ms),
                latencyP95Ms: v(FN.latencyP95Ms),
                latencyP99Ms: v(FN.latencyP99Ms),
                achievedRps: v(FN.achievedRps),
              },
        quality: QUALITY_BY_CODE[v(FN.quality)] ?? 'unknown',
      };
    }
    this.built = {
      seq: this.seq,
      timestampMs: this.timestampMs,
      intervalMs: this.intervalMs,
      sessionId: this.sessionId,
      cpuUtilization: this.cpuUtilization,
      cpuUtilizationPerCpu: [...this.cpuUtilizationPerCpu],
      cpuFrequencyMhz: this.cpuFrequencyMhz,
      hostEnergyUj: BigInt(this.hostEnergyUj),
      hostPowerW: this.hostPowerW,
      hostQuality: QUALITY_BY_CODE[this.hostQuality] ?? 'unknown',
      energySource: this.energySource,
      domains: [...this.domains],
      attribution: this.attribution,
      modelErrorW: this.modelErrorW,
      idleEnergyUj: BigInt(this.idleEnergyUj),
      functions,
      assignmentVersion: BigInt(this.assignmentVersion),
      agentCpuTimeUs: BigInt(this.agentCpuTimeUs),
      agentRssBytes: BigInt(this.agentRssBytes),
    };
    this.builtGeneration = this.generation;
    return this.built;
  }
}
