// The only place that maps domain values to isawatt.v1 wire messages and back. uint64 fields travel
// as decimal strings (proto-loader longs: String) and are bigint on the domain side; enums travel
// as their names. Incoming messages are validated here and rejected with every problem named.
import { toBigInt, toWireU64, ValidationError, type wire } from '@isawatt/common';
import type { ApplyResult, Arrival, AssignmentSpec } from '../runtime/function-runtime.js';
import type { Quality } from '../telemetry/quality.js';
import type { DomainFigure, FunctionFigure, InvocationFigures, TickSnapshot } from '../telemetry/snapshot.js';
import type { HelloInfo } from './hello-info.js';

const QUALITY_TO_WIRE = {
  measured: 'QUALITY_MEASURED',
  modelled: 'QUALITY_MODELLED',
  estimated: 'QUALITY_ESTIMATED',
  emulated: 'QUALITY_EMULATED',
} as const satisfies Record<Quality, wire.Quality__Output>;

export function qualityToWire(q: Quality): wire.Quality__Output {
  return QUALITY_TO_WIRE[q];
}

export function qualityFromWire(q: wire.Quality__Output, what = 'quality'): Quality {
  switch (q) {
    case 'QUALITY_MEASURED':
      return 'measured';
    case 'QUALITY_MODELLED':
      return 'modelled';
    case 'QUALITY_ESTIMATED':
      return 'estimated';
    case 'QUALITY_EMULATED':
      return 'emulated';
    default:
      throw new ValidationError(what, `unspecified or unknown quality ${String(q)}`);
  }
}

function invocationsToWire(i: InvocationFigures): wire.InvocationStats {
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

function invocationsFromWire(i: wire.InvocationStats__Output): InvocationFigures {
  return {
    completed: Number(toBigInt(i.completed, 'invocations.completed')),
    errors: Number(toBigInt(i.errors, 'invocations.errors')),
    timeouts: Number(toBigInt(i.timeouts, 'invocations.timeouts')),
    dropped: Number(toBigInt(i.dropped, 'invocations.dropped')),
    latencyP50Ms: i.latency_p50_ms,
    latencyP95Ms: i.latency_p95_ms,
    latencyP99Ms: i.latency_p99_ms,
    achievedRps: i.achieved_rps,
  };
}

/** TickSnapshot -> TelemetryReport of this session. */
export function encodeTelemetry(s: TickSnapshot, sessionId: string): wire.TelemetryReport {
  return {
    seq: toWireU64(s.seq),
    timestamp_ms: String(Math.round(s.timestampMs)),
    interval_ms: Math.round(s.intervalMs),
    session_id: sessionId,
    cpu_utilization: s.cpuUtilization,
    cpu_utilization_per_cpu: [...s.cpuUtilizationPerCpu],
    cpu_frequency_mhz: s.cpuFrequencyMhz,
    host_energy_uj: toWireU64(s.hostEnergyUj),
    host_power_w: s.hostPowerW,
    host_quality: qualityToWire(s.hostQuality),
    energy_source: s.energySource,
    domains: s.domains.map((d) => ({
      domain: d.domain,
      socket: d.socket,
      energy_uj: toWireU64(d.energyUj),
      power_w: d.powerW,
      quality: qualityToWire(d.quality),
      source: d.source,
      in_host_total: d.inHostTotal,
    })),
    attribution: s.attribution,
    model_error_w: s.modelErrorW,
    idle_energy_uj: toWireU64(s.idleEnergyUj),
    functions: s.functions.map((f) => ({
      function: f.name,
      dynamic_energy_uj: toWireU64(f.dynamicEnergyUj),
      total_energy_uj: toWireU64(f.totalEnergyUj),
      power_w: f.powerW,
      cpu_time_us: toWireU64(f.cpuTimeUs),
      cores: f.cores,
      invocations: f.invocations ? invocationsToWire(f.invocations) : null,
      quality: qualityToWire(f.quality),
    })),
    assignment_version: toWireU64(s.assignmentVersion),
    agent_cpu_time_us: toWireU64(s.agentCpuTimeUs),
    agent_rss_bytes: toWireU64(s.agentRssBytes),
  };
}

/** TelemetryReport -> session id + TickSnapshot (tests and tools; the coordinator has its own). */
export function decodeTelemetry(r: wire.TelemetryReport__Output): { sessionId: string; snapshot: TickSnapshot } {
  const domains: DomainFigure[] = r.domains.map((d, i) => ({
    domain: d.domain,
    socket: d.socket,
    energyUj: toBigInt(d.energy_uj, `domains[${i}].energy_uj`),
    powerW: d.power_w,
    quality: qualityFromWire(d.quality, `domains[${i}].quality`),
    source: d.source,
    inHostTotal: d.in_host_total,
  }));
  const functions: FunctionFigure[] = r.functions.map((f, i) => ({
    name: f.function,
    dynamicEnergyUj: toBigInt(f.dynamic_energy_uj, `functions[${i}].dynamic_energy_uj`),
    totalEnergyUj: toBigInt(f.total_energy_uj, `functions[${i}].total_energy_uj`),
    powerW: f.power_w,
    cpuTimeUs: toBigInt(f.cpu_time_us, `functions[${i}].cpu_time_us`),
    cores: f.cores,
    quality: qualityFromWire(f.quality, `functions[${i}].quality`),
    ...(f.invocations ? { invocations: invocationsFromWire(f.invocations) } : {}),
  }));
  return {
    sessionId: r.session_id,
    snapshot: {
      seq: toBigInt(r.seq, 'seq'),
      timestampMs: Number(toBigInt(r.timestamp_ms, 'timestamp_ms')),
      intervalMs: r.interval_ms,
      cpuUtilization: r.cpu_utilization,
      cpuUtilizationPerCpu: r.cpu_utilization_per_cpu,
      cpuFrequencyMhz: r.cpu_frequency_mhz,
      hostEnergyUj: toBigInt(r.host_energy_uj, 'host_energy_uj'),
      hostPowerW: r.host_power_w,
      hostQuality: qualityFromWire(r.host_quality, 'host_quality'),
      energySource: r.energy_source,
      domains,
      attribution: r.attribution,
      modelErrorW: r.model_error_w,
      idleEnergyUj: toBigInt(r.idle_energy_uj, 'idle_energy_uj'),
      functions,
      assignmentVersion: toBigInt(r.assignment_version, 'assignment_version'),
      agentCpuTimeUs: toBigInt(r.agent_cpu_time_us, 'agent_cpu_time_us'),
      agentRssBytes: Number(toBigInt(r.agent_rss_bytes, 'agent_rss_bytes')),
    },
  };
}

export function encodeHello(h: HelloInfo): wire.Hello {
  const hw = h.hardware;
  return {
    host_id: h.hostId,
    arch: hw.arch === 'x86_64' ? 'ARCH_X86_64' : 'ARCH_AARCH64',
    cpu_model: hw.cpuModel,
    sockets: hw.sockets,
    physical_cores: hw.physicalCores,
    logical_cpus: hw.logicalCpus,
    function_cpus: [...hw.functionCpus],
    host_type: hw.hostType,
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
    emulated: h.emulatedProfile !== undefined,
    emulated_profile: h.emulatedProfile ?? '',
    running_assignment_version: toWireU64(h.runningAssignmentVersion),
    memory_bytes: toWireU64(hw.memoryBytes),
    idle_power_w: h.idlePowerW,
  };
}

const ARRIVALS: ReadonlySet<string> = new Set(['constant', 'poisson']);
const FUNCTION_NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/;

/** Assignment from the coordinator -> AssignmentSpec. Throws ValidationError listing every problem. */
export function decodeAssignment(a: wire.Assignment__Output): AssignmentSpec {
  const issues: string[] = [];
  let version = 0n;
  try {
    version = toBigInt(a.version, 'version');
  } catch (err) {
    issues.push((err as Error).message);
  }
  if (version === 0n && issues.length === 0) issues.push('version: must be > 0');
  const seen = new Set<string>();
  const functions = a.functions.map((f, i) => {
    const at = `functions[${i}]`;
    if (!FUNCTION_NAME.test(f.function)) issues.push(`${at}.function: "${f.function}" is not a function name`);
    else if (seen.has(f.function)) issues.push(`${at}.function: "${f.function}" appears twice`);
    seen.add(f.function);
    if (!Number.isFinite(f.rate_rps) || f.rate_rps < 0) issues.push(`${at}.rate_rps: must be a finite number >= 0, got ${f.rate_rps}`);
    const arrival = f.arrival === '' ? 'constant' : f.arrival;
    if (!ARRIVALS.has(arrival)) issues.push(`${at}.arrival: expected "constant" or "poisson", got "${f.arrival}"`);
    return { function: f.function, cores: f.cores, rateRps: f.rate_rps, arrival: arrival as Arrival };
  });
  if (issues.length > 0) throw new ValidationError(`assignment v${a.version}`, 'rejected', issues);
  return { version, functions };
}

export function encodeAssignmentAck(version: bigint, result: ApplyResult): wire.AssignmentAck {
  if (result.ok) {
    return {
      version: toWireU64(version),
      ok: true,
      error: '',
      error_code: '',
      placements: result.placements.map((p) => ({ function: p.function, cpus: [...p.cpus], worker_pids: [...p.workerPids] })),
    };
  }
  return { version: toWireU64(version), ok: false, error: result.error, error_code: result.code, placements: [] };
}
