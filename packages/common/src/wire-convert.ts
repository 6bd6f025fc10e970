// Domain -> isawatt.v1 wire conversions that the agent and the coordinator share. Each daemon keeps
// its own domain types and its own decoding policy (the agent rejects what it does not know, the
// coordinator collects every problem); what is written here is only the mapping of plain figures
// onto wire messages, so that a message is built one way on both sides. The input shapes are the
// shared domain types (domain.ts); counters may be number (agent) or bigint (coordinator). uint64
// fields travel as decimal strings (proto-loader longs: String); enums travel as their names.
import type * as wire from './generated/wire.js';
import type { Arch, FunctionPlacement, Hello, InvocationFigures, Quality, ReportedArch, ReportedQuality, TelemetryReport } from './domain.js';
import { toWireU64 } from './units.js';

const QUALITY_TO_WIRE = {
  measured: 'QUALITY_MEASURED',
  modelled: 'QUALITY_MODELLED',
  estimated: 'QUALITY_ESTIMATED',
  emulated: 'QUALITY_EMULATED',
  unknown: 'QUALITY_UNSPECIFIED',
} as const satisfies Record<ReportedQuality, wire.Quality__Output>;

const QUALITY_FROM_WIRE: Readonly<Record<string, Quality>> = {
  QUALITY_MEASURED: 'measured',
  QUALITY_MODELLED: 'modelled',
  QUALITY_ESTIMATED: 'estimated',
  QUALITY_EMULATED: 'emulated',
};

export function qualityToWire(q: ReportedQuality): wire.Quality__Output {
  return QUALITY_TO_WIRE[q];
}

/** The quality a wire enum name stands for; undefined for QUALITY_UNSPECIFIED and unknown names. */
export function qualityFromWire(q: string): Quality | undefined {
  return Object.hasOwn(QUALITY_FROM_WIRE, q) ? QUALITY_FROM_WIRE[q] : undefined;
}

export function archToWire(a: ReportedArch): wire.Arch__Output {
  return a === 'x86_64' ? 'ARCH_X86_64' : a === 'aarch64' ? 'ARCH_AARCH64' : 'ARCH_UNSPECIFIED';
}

/** The architecture a wire enum name stands for; undefined for ARCH_UNSPECIFIED and unknown names. */
export function archFromWire(a: string): Arch | undefined {
  return a === 'ARCH_X86_64' ? 'x86_64' : a === 'ARCH_AARCH64' ? 'aarch64' : undefined;
}

// ---- Hello ----

export function helloToWire(h: Hello): wire.Hello {
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
    invoke_scheme: h.invokeAddress ? (h.invokeScheme ?? 'http') : '',
  };
}

// ---- TelemetryReport ----

export function invocationsToWire(i: InvocationFigures<bigint | number>): wire.InvocationStats {
  return {
    completed: toWireU64(i.completed),
    errors: toWireU64(i.errors),
    timeouts: toWireU64(i.timeouts),
    dropped: toWireU64(i.dropped),
    arrived: toWireU64(i.arrived ?? 0),
    expired: toWireU64(i.expired ?? 0),
    completed_by_age: (i.completedByAge ?? []).map((n) => toWireU64(n)),
    latency_p50_ms: i.latencyP50Ms,
    latency_p95_ms: i.latencyP95Ms,
    latency_p99_ms: i.latencyP99Ms,
    achieved_rps: i.achievedRps,
  };
}

export function telemetryToWire(t: TelemetryReport<ReportedQuality, bigint | number>): wire.TelemetryReport {
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

export function placementToWire(p: FunctionPlacement): wire.FunctionPlacement {
  return { function: p.function, cpus: [...p.cpus], worker_pids: [...p.workerPids] };
}
