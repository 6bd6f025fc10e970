// The shared vocabulary of isawatt, defined once: where a figure comes from (Quality), which
// instruction set a host runs (Arch), what an agent says about its host (Hello) and what it reports
// every tick (TelemetryReport). Each daemon derives its own shapes from these (Pick/Omit/&), so a
// field added here reaches the agent, the coordinator and the wire mapping (wire-convert.ts) alike.
// Energy counters are bigint µJ, power is number W, times are ms since the Unix epoch.

/** Where a figure comes from (proto isawatt.v1.Quality, lower-case); every energy/power figure carries one. */
export type Quality = 'measured' | 'modelled' | 'estimated' | 'emulated';
/** A quality as a peer reported it: 'unknown' stands for QUALITY_UNSPECIFIED. */
export type ReportedQuality = Quality | 'unknown';
export const QUALITIES: readonly Quality[] = ['measured', 'modelled', 'estimated', 'emulated'];

const QUALITY_RANK: Readonly<Record<Quality, number>> = { measured: 0, modelled: 1, estimated: 2, emulated: 3 };

/** The weaker of two qualities (a figure computed from both is only as good as the weaker). */
export function weakerQuality(a: Quality, b: Quality): Quality {
  return QUALITY_RANK[a] >= QUALITY_RANK[b] ? a : b;
}

/** Instruction set of a host (proto isawatt.v1.Arch, without ARCH_UNSPECIFIED). */
export type Arch = 'x86_64' | 'aarch64';
/** An architecture as a peer reported it: 'unknown' stands for ARCH_UNSPECIFIED. */
export type ReportedArch = Arch | 'unknown';
export const ARCHES: readonly Arch[] = ['x86_64', 'aarch64'];

// ---- Hello ----

/** One energy source an agent found or tried at start-up. */
export interface EnergySource<Q extends ReportedQuality = ReportedQuality> {
  /** "rapl", "perf-power", "xgene-hwmon", "altra-hwmon", "hwmon", "estimated", "emulated". */
  readonly kind: string;
  readonly path: string;
  readonly quality: Q;
  readonly domains: readonly string[];
  /** True for the source(s) the host figure comes from (and its overlapping companions). */
  readonly primary: boolean;
  /** Why it is used, or why it was skipped. */
  readonly detail: string;
}

/** One function an agent can run (or knows and cannot run, with the reason). */
export interface CatalogueEntry {
  readonly name: string;
  readonly version: string;
  readonly runtime: string;
  readonly category: string;
  readonly runnable: boolean;
  readonly unavailableReason: string;
}

/** What an agent says about its host when it connects (proto isawatt.v1.Hello). */
export interface Hello {
  readonly hostId: string;
  readonly arch: ReportedArch;
  readonly cpuModel: string;
  readonly sockets: number;
  readonly physicalCores: number;
  readonly logicalCpus: number;
  /** Logical CPU ids the agent may give to functions. */
  readonly functionCpus: readonly number[];
  readonly hostType: string;
  readonly energySources: readonly EnergySource[];
  /** "perf", "hwpc-sensor", "cgroup-cputime", or "none". */
  readonly counterSource: string;
  readonly pinning: string;
  readonly catalogue: readonly CatalogueEntry[];
  readonly agentVersion: string;
  readonly sessionId: string;
  readonly emulated: boolean;
  readonly emulatedProfile: string;
  readonly runningAssignmentVersion: bigint;
  readonly memoryBytes: bigint;
  /** Idle power of the CPU domains known to the agent, W; 0 when unknown. */
  readonly idlePowerW: number;
  /** HOST:PORT of the agent's /invoke endpoint (the gateway's target); absent when none. */
  readonly invokeAddress?: string | undefined;
  /** How to call invokeAddress: "https" (TLS, a credential of role gateway) or "http"; absent: "http". */
  readonly invokeScheme?: InvokeScheme | undefined;
}

export type InvokeScheme = 'http' | 'https';
/**
 * How many ages InvocationFigures.completedByAge tells apart (proto InvocationStats.completed_by_age):
 * completions up to 7 ticks after their arrival are placed exactly, later ones all at age 7.
 */
export const COMPLETED_BY_AGE_TICKS = 8;

export const INVOKE_SCHEMES: readonly InvokeScheme[] = ['http', 'https'];

// ---- TelemetryReport ----

/** Invocation figures of one function over one tick. Counters are number on the agent, bigint on the coordinator. */
export interface InvocationFigures<N extends bigint | number = bigint> {
  readonly completed: N;
  readonly errors: N;
  readonly timeouts: N;
  /** Arrivals not served: the queue was full, or they expired in it (below). */
  readonly dropped: N;
  /**
   * Of dropped: arrivals that waited in the queue past the function's timeout without a worker (the
   * rest found the queue full). Absent or 0 from agents that predate it.
   */
  readonly expired?: N;
  /**
   * Requests that arrived in the window, whatever became of them (the offered load); answers above
   * may include arrivals queued before it. Absent or 0 from agents that predate it.
   */
  readonly arrived?: N;
  /**
   * Of completed, by age in ticks: entry a counts completions of requests that arrived a ticks
   * (reports) earlier, the last entry (index COMPLETED_BY_AGE_TICKS - 1) the older ones too. Only a
   * tick's figures have it (the agent's per-tick window); absent from agents that predate it.
   */
  readonly completedByAge?: readonly N[];
  readonly latencyP50Ms: number;
  readonly latencyP95Ms: number;
  readonly latencyP99Ms: number;
  readonly achievedRps: number;
  /** Mean latency of the completed invocations, ms (the runtime's windows have it; profiling uses it). */
  readonly latencyMeanMs?: number;
  /**
   * When the earliest of the completed invocations started (its answer's time minus the handler
   * time its harness measured) and when the last one answered, ms on the agent's monotonic clock
   * (performance.now(); only comparable within one agent process, never sent on the wire).
   * Profiling measures a saturated function's throughput between them (profiling/profile-executor.ts).
   */
  readonly firstStartMs?: number;
  readonly lastCompletionMs?: number;
}

/** Energy of one domain (package, core, dram, …) of one socket over one tick. */
export interface DomainEnergy<Q extends ReportedQuality = ReportedQuality> {
  readonly domain: string;
  readonly socket: number;
  readonly energyUj: bigint;
  readonly powerW: number;
  readonly quality: Q;
  readonly source: string;
  /** True when the domain's energy is part of the host figure (not overlapping another domain). */
  readonly inHostTotal: boolean;
}

/** Energy attributed to one function over one tick. */
export interface FunctionEnergy<Q extends ReportedQuality = ReportedQuality, N extends bigint | number = bigint> {
  readonly function: string;
  /** Attributed dynamic energy over the tick, µJ. */
  readonly dynamicEnergyUj: bigint;
  /** Dynamic + share of the static part, µJ. */
  readonly totalEnergyUj: bigint;
  /** Mean attributed power (dynamic + idle share) over the tick. */
  readonly powerW: number;
  readonly cpuTimeUs: bigint;
  readonly cores: number;
  /** Absent: the function has no invocation figures this tick (sent as an unset message). */
  readonly invocations?: InvocationFigures<N> | undefined;
  readonly quality: Q;
}

/** One telemetry tick of one host (proto isawatt.v1.TelemetryReport). */
export interface TelemetryReport<Q extends ReportedQuality = ReportedQuality, N extends bigint | number = bigint> {
  /** Per-session tick number, from 1. */
  readonly seq: bigint;
  /** End of the tick. */
  readonly timestampMs: number;
  readonly intervalMs: number;
  readonly sessionId: string;
  /** Host CPU utilisation over the tick, 0..1, and per logical CPU. */
  readonly cpuUtilization: number;
  readonly cpuUtilizationPerCpu: readonly number[];
  /** Mean frequency of the function CPUs, MHz (0 unknown). */
  readonly cpuFrequencyMhz: number;
  readonly hostEnergyUj: bigint;
  readonly hostPowerW: number;
  readonly hostQuality: Q;
  readonly energySource: string;
  readonly domains: readonly DomainEnergy<Q>[];
  /** "smartwatts", "cputime-share", "none". */
  readonly attribution: string;
  /** Median absolute model error over the window, W; -1 when unknown. */
  readonly modelErrorW: number;
  /** Invariant: Σ functions.dynamicEnergyUj + idleEnergyUj === hostEnergyUj. */
  readonly idleEnergyUj: bigint;
  readonly functions: readonly FunctionEnergy<Q, N>[];
  readonly assignmentVersion: bigint;
  readonly agentCpuTimeUs: bigint;
  readonly agentRssBytes: N;
}

// ---- AssignmentAck ----

/** Where one function of an assignment runs: its CPUs and the worker pids pinned to them. */
export interface FunctionPlacement {
  readonly function: string;
  readonly cpus: readonly number[];
  readonly workerPids: readonly number[];
}
