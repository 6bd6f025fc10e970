// Domain -> isawatt.v1 wire conversions that the agent and the coordinator share. Each daemon keeps
// its own domain types and its own decoding policy (the agent rejects what it does not know, the
// coordinator collects every problem); what is written here is only the mapping of plain figures
// onto wire messages, so that a message is built one way on both sides. The input shapes are
// structural: any object with these fields will do. uint64 fields travel as decimal strings
// (proto-loader longs: String); enums travel as their names.
import type * as wire from './generated/wire.js';
import { toWireU64 } from './units.js';

/** proto Quality, lower-case and without QUALITY_UNSPECIFIED. */
export type QualityName = 'measured' | 'modelled' | 'estimated' | 'emulated';
/** proto Arch, without ARCH_UNSPECIFIED. */
export type ArchName = 'x86_64' | 'aarch64';

const QUALITY_TO_WIRE = {
  measured: 'QUALITY_MEASURED',
  modelled: 'QUALITY_MODELLED',
  estimated: 'QUALITY_ESTIMATED',
  emulated: 'QUALITY_EMULATED',
  unknown: 'QUALITY_UNSPECIFIED',
} as const satisfies Record<QualityName | 'unknown', wire.Quality__Output>;

const QUALITY_FROM_WIRE: Readonly<Record<string, QualityName>> = {
  QUALITY_MEASURED: 'measured',
  QUALITY_MODELLED: 'modelled',
  QUALITY_ESTIMATED: 'estimated',
  QUALITY_EMULATED: 'emulated',
};

export function qualityToWire(q: QualityName | 'unknown'): wire.Quality__Output {
  return QUALITY_TO_WIRE[q];
}

/** The quality a wire enum name stands for; undefined for QUALITY_UNSPECIFIED and unknown names. */
export function qualityFromWire(q: string): QualityName | undefined {
  return Object.hasOwn(QUALITY_FROM_WIRE, q) ? QUALITY_FROM_WIRE[q] : undefined;
}

export function archToWire(a: ArchName | 'unknown'): wire.Arch__Output {
  return a === 'x86_64' ? 'ARCH_X86_64' : a === 'aarch64' ? 'ARCH_AARCH64' : 'ARCH_UNSPECIFIED';
}

/** The architecture a wire enum name stands for; undefined for ARCH_UNSPECIFIED and unknown names. */
export function archFromWire(a: string): ArchName | undefined {
  return a === 'ARCH_X86_64' ? 'x86_64' : a === 'ARCH_AARCH64' ? 'aarch64' : undefined;
}

// ---- Hello ----

export interface EnergySourceFields {
  readonly kind: string;
  readonly path: string;
  readonly quality: QualityName | 'unknown';
  readonly domains: readonly string[];
  readonly primary: boolean;
  readonly detail: string;
}

export interface CatalogueEntryFields {
  readonly name: string;
  readonly version: string;
  readonly runtime: string;
  readonly category: string;
  readonly runnable: boolean;
  readonly unavailableReason: string;
}

export interface HelloFields {
  readonly hostId: string;
  readonly arch: ArchName | 'unknown';
  readonly cpuModel: string;
  readonly sockets: number;
  readonly physicalCores: number;
  readonly logicalCpus: number;
  readonly functionCpus: readonly number[];
  readonly hostType: string;
  readonly energySources: readonly EnergySourceFields[];
  readonly counterSource: string;
  readonly pinning: string;
  readonly catalogue: readonly CatalogueEntryFields[];
  readonly agentVersion: string;
  readonly sessionId: string;
  readonly emulated: boolean;
  readonly emulatedProfile: string;
  readonly runningAssignmentVersion: bigint;
  readonly memoryBytes: bigint;
  readonly idlePowerW: number;
  /** HOST:PORT of the agent's /invoke endpoint; empty or absent when none. */
  readonly invokeAddress?: string | undefined;
}

export function helloToWire(h: HelloFields): wire.Hello {
  return {
    host_id: h.hostId,
    arch: archToWire(h.arch),
    cpu_model: h.cpuModel,
    sockets: h.sockets,
    physical_cores: h.physicalCores,
    logical_cpus: h.logicalCpus,
    function_cpus: [...h.functionCpus],
    host_type: h.hostType,
    energy_sources: h.energySources.map((e) => ({
      kind: e.kind,
      path: e.path,
      quality: qualityToWire(e.quality),
      domains: [...e.domains],
      primary: e.primary,
      detail: e.detail,
    })),
    counter_source: h.counterSource,
    pinning: h.pinning,
    catalogue: h.catalogue.map((c) => ({
      name: c.name,
      version: c.version,
      runtime: c.runtime,
      category: c.category,
      runnable: c.runnable,
      unavailable_reason: c.unavailableReason,
    })),
    agent_version: h.agentVersion,
    session_id: h.sessionId,
    emulated: h.emulated,
    emulated_profile: h.emulatedProfile,
    running_assignment_version: toWireU64(h.runningAssignmentVersion),
    memory_bytes: toWireU64(h.memoryBytes),
    idle_power_w: h.idlePowerW,
    invoke_address: h.invokeAddress ?? '',
  };
}

// ---- TelemetryReport ----

/** Counters may be number (agent) or bigint (coordinator); both travel as uint64. */
export interface InvocationFields {
  readonly completed: bigint | number;
  readonly errors: bigint | number;
  readonly timeouts: bigint | number;
  readonly dropped: bigint | number;
  readonly latencyP50Ms: number;
  readonly latencyP95Ms: number;
  readonly latencyP99Ms: number;
  readonly achievedRps: number;
}

export interface DomainFields {
  readonly domain: string;
  readonly socket: number;
  readonly energyUj: bigint;
  readonly powerW: number;
  readonly quality: QualityName | 'unknown';
  readonly source: string;
  readonly inHostTotal: boolean;
}

export interface FunctionEnergyFields {
  readonly function: string;
  readonly dynamicEnergyUj: bigint;
  readonly totalEnergyUj: bigint;
  readonly powerW: number;
  readonly cpuTimeUs: bigint;
  readonly cores: number;
  /** Absent: the function has no invocation figures this tick (sent as an unset message). */
  readonly invocations?: InvocationFields | undefined;
  readonly quality: QualityName | 'unknown';
}

export interface TelemetryFields {
  readonly seq: bigint;
  readonly timestampMs: number;
  readonly intervalMs: number;
  readonly sessionId: string;
  readonly cpuUtilization: number;
  readonly cpuUtilizationPerCpu: readonly number[];
  readonly cpuFrequencyMhz: number;
  readonly hostEnergyUj: bigint;
  readonly hostPowerW: number;
  readonly hostQuality: QualityName | 'unknown';
  readonly energySource: string;
  readonly domains: readonly DomainFields[];
  readonly attribution: string;
  readonly modelErrorW: number;
  readonly idleEnergyUj: bigint;
  readonly functions: readonly FunctionEnergyFields[];
  readonly assignmentVersion: bigint;
  readonly agentCpuTimeUs: bigint;
  readonly agentRssBytes: bigint | number;
}

export function invocationsToWire(i: InvocationFields): wire.InvocationStats {
  return {
    completed: toWireU64(i.completed),
    errors: toWireU64(i.errors),
    timeouts: toWireU64(i.timeouts),
    dropped: toWireU64(i.dropped),
    latency_p50_ms: i.latencyP50Ms,
    latency_p95_ms: i.latencyP95Ms,
    latency_p99_ms: i.latencyP99Ms,
    achieved_rps: i.achievedRps,
  };
}

export function telemetryToWire(t: TelemetryFields): wire.TelemetryReport {
  return {
    seq: toWireU64(t.seq),
    timestamp_ms: String(Math.round(t.timestampMs)),
    interval_ms: Math.round(t.intervalMs),
    session_id: t.sessionId,
    cpu_utilization: t.cpuUtilization,
    cpu_utilization_per_cpu: [...t.cpuUtilizationPerCpu],
    cpu_frequency_mhz: t.cpuFrequencyMhz,
    host_energy_uj: toWireU64(t.hostEnergyUj),
    host_power_w: t.hostPowerW,
    host_quality: qualityToWire(t.hostQuality),
    energy_source: t.energySource,
    domains: t.domains.map((d) => ({
      domain: d.domain,
      socket: d.socket,
      energy_uj: toWireU64(d.energyUj),
      power_w: d.powerW,
      quality: qualityToWire(d.quality),
      source: d.source,
      in_host_total: d.inHostTotal,
    })),
    attribution: t.attribution,
    model_error_w: t.modelErrorW,
    idle_energy_uj: toWireU64(t.idleEnergyUj),
    functions: t.functions.map((f) => ({
      function: f.function,
      dynamic_energy_uj: toWireU64(f.dynamicEnergyUj),
      total_energy_uj: toWireU64(f.totalEnergyUj),
      power_w: f.powerW,
      cpu_time_us: toWireU64(f.cpuTimeUs),
      cores: f.cores,
      invocations: f.invocations ? invocationsToWire(f.invocations) : null,
      quality: qualityToWire(f.quality),
    })),
    assignment_version: toWireU64(t.assignmentVersion),
    agent_cpu_time_us: toWireU64(t.agentCpuTimeUs),
    agent_rss_bytes: toWireU64(t.agentRssBytes),
  };
}

// ---- AssignmentAck ----

export interface PlacementFields {
  readonly function: string;
  readonly cpus: readonly number[];
  readonly workerPids: readonly number[];
}

export function placementToWire(p: PlacementFields): wire.FunctionPlacement {
  return { function: p.function, cpus: [...p.cpus], worker_pids: [...p.workerPids] };
}
