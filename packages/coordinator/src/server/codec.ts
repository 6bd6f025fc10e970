// Proto <-> domain conversion for the coordinator's gRPC edge. Incoming messages are validated
// here (a malformed Hello or report becomes a ValidationError listing every problem); outgoing
// messages are built from registry views; the mapping of Hello, TelemetryReport and
// FunctionPlacement onto the wire is shared with the agent (@isawatt/common wire-convert). uint64
// travels as decimal strings (proto-loader longs: String) and is bigint inside.
import {
  archFromWire,
  helloToWire,
  placementToWire,
  qualityFromWire,
  telemetryToWire,
  toBigInt,
  toWireU64,
  ValidationError,
  type wire,
} from '@isawatt/common';
import { HOST_ID_PATTERN } from '../store/state-store.js';
import type {
  Arch,
  Assignment,
  AssignmentAck,
  FunctionAssignment,
  FunctionPlacement,
  HostHello,
  HostView,
  InvocationFigures,
  Quality,
  TelemetryTick,
} from '../registry/types.js';

// ---- enums ----

function qualityOf(q: string): Quality {
  return qualityFromWire(q) ?? 'unknown';
}
function archOf(a: string): Arch {
  return archFromWire(a) ?? 'unknown';
}

// ---- validation helpers ----

class Problems {
  readonly list: string[] = [];
  check(ok: boolean, msg: string): void {
    if (!ok) this.list.push(msg);
  }
  u64(value: string, field: string): bigint {
    try {
      const v = toBigInt(value, field);
      if (v < 0n) throw new RangeError('negative');
      return v;
    } catch {
      this.list.push(`${field}: expected an unsigned integer, got "${value}"`);
      return 0n;
    }
  }
  finite(value: number, field: string, min = 0): number {
    if (!Number.isFinite(value) || value < min) this.list.push(`${field}: expected a finite number >= ${min}, got ${value}`);
    return value;
  }
  throwIfAny(what: string): void {
    if (this.list.length > 0) throw new ValidationError(what, 'malformed', this.list);
  }
}

// ---- agent -> coordinator ----

export function helloFromWire(h: wire.Hello__Output): HostHello {
  const p = new Problems();
  p.check(HOST_ID_PATTERN.test(h.host_id), `host_id: expected 1-128 characters [A-Za-z0-9._-] starting with a letter or digit, got "${h.host_id}"`);
  const arch = archOf(h.arch);
  p.check(arch !== 'unknown', `arch: expected ARCH_X86_64 or ARCH_AARCH64, got ${h.arch}`);
  p.check(h.sockets >= 1, `sockets: expected >= 1, got ${h.sockets}`);
  p.check(h.physical_cores >= 1, `physical_cores: expected >= 1, got ${h.physical_cores}`);
  p.check(h.logical_cpus >= h.physical_cores, `logical_cpus: expected >= physical_cores (${h.physical_cores}), got ${h.logical_cpus}`);
  p.check(h.session_id.length > 0 && h.session_id.length <= 128, 'session_id: expected a non-empty id of at most 128 characters');
  p.check(new Set(h.function_cpus).size === h.function_cpus.length, 'function_cpus: duplicate CPU ids');
  p.check(
    h.function_cpus.every((c) => c < h.logical_cpus),
    `function_cpus: every id must be below logical_cpus (${h.logical_cpus})`,
  );
  const runningAssignmentVersion = p.u64(h.running_assignment_version, 'running_assignment_version');
  const memoryBytes = p.u64(h.memory_bytes, 'memory_bytes');
  const idlePowerW = p.finite(h.idle_power_w, 'idle_power_w');
  // Bounded and shaped before it is stored or dialled: HOST:PORT, a bracketed IPv6 host allowed.
  p.check(
    h.invoke_address === '' || (h.invoke_address.length <= 262 && /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(h.invoke_address) && Number(h.invoke_address.split(':').pop()) <= 65535),
    `invoke_address: expected empty or HOST:PORT, got "${h.invoke_address.slice(0, 80)}"`,
  );
  p.throwIfAny('hello');
  return {
    hostId: h.host_id,
    arch,
    cpuModel: h.cpu_model,
    sockets: h.sockets,
    physicalCores: h.physical_cores,
    logicalCpus: h.logical_cpus,
    functionCpus: [...h.function_cpus],
    hostType: h.host_type,
    energySources: h.energy_sources.map((s) => ({
      kind: s.kind,
      path: s.path,
      quality: qualityOf(s.quality),
      domains: [...s.domains],
      primary: s.primary,
      detail: s.detail,
    })),
    counterSource: h.counter_source,
    pinning: h.pinning,
    catalogue: h.catalogue.map((f) => ({
      name: f.name,
      version: f.version,
      runtime: f.runtime,
      category: f.category,
      runnable: f.runnable,
      unavailableReason: f.unavailable_reason,
    })),
    agentVersion: h.agent_version,
    sessionId: h.session_id,
    emulated: h.emulated,
    emulatedProfile: h.emulated_profile,
    runningAssignmentVersion,
    memoryBytes,
    idlePowerW,
    ...(h.invoke_address ? { invokeAddress: h.invoke_address } : {}),
  };
}

function invocationsFromWire(i: wire.InvocationStats__Output | null, p: Problems, field: string): InvocationFigures {
  if (!i) return { completed: 0n, errors: 0n, timeouts: 0n, dropped: 0n, latencyP50Ms: 0, latencyP95Ms: 0, latencyP99Ms: 0, achievedRps: 0 };
  return {
    completed: p.u64(i.completed, `${field}.completed`),
    errors: p.u64(i.errors, `${field}.errors`),
    timeouts: p.u64(i.timeouts, `${field}.timeouts`),
    dropped: p.u64(i.dropped, `${field}.dropped`),
    latencyP50Ms: p.finite(i.latency_p50_ms, `${field}.latency_p50_ms`),
    latencyP95Ms: p.finite(i.latency_p95_ms, `${field}.latency_p95_ms`),
    latencyP99Ms: p.finite(i.latency_p99_ms, `${field}.latency_p99_ms`),
    achievedRps: p.finite(i.achieved_rps, `${field}.achieved_rps`),
  };
}

export function reportFromWire(r: wire.TelemetryReport__Output): TelemetryTick {
  const p = new Problems();
  const seq = p.u64(r.seq, 'seq');
  p.check(seq >= 1n, 'seq: expected >= 1');
  const timestampMs = Number(r.timestamp_ms);
  p.check(Number.isSafeInteger(timestampMs) && timestampMs > 0, `timestamp_ms: expected ms since the Unix epoch, got "${r.timestamp_ms}"`);
  p.check(r.interval_ms > 0, 'interval_ms: expected > 0');
  p.check(r.session_id.length > 0, 'session_id: expected the Hello session_id');
  p.check(Number.isFinite(r.cpu_utilization) && r.cpu_utilization >= 0 && r.cpu_utilization <= 1.0001, `cpu_utilization: expected 0..1, got ${r.cpu_utilization}`);
  const tick: TelemetryTick = {
    seq,
    timestampMs,
    intervalMs: r.interval_ms,
    sessionId: r.session_id,
    cpuUtilization: r.cpu_utilization,
    cpuUtilizationPerCpu: [...r.cpu_utilization_per_cpu],
    cpuFrequencyMhz: p.finite(r.cpu_frequency_mhz, 'cpu_frequency_mhz'),
    hostEnergyUj: p.u64(r.host_energy_uj, 'host_energy_uj'),
    hostPowerW: p.finite(r.host_power_w, 'host_power_w'),
    hostQuality: qualityOf(r.host_quality),
    energySource: r.energy_source,
    domains: r.domains.map((d, i) => ({
      domain: d.domain,
      socket: d.socket,
      energyUj: p.u64(d.energy_uj, `domains[${i}].energy_uj`),
      powerW: p.finite(d.power_w, `domains[${i}].power_w`),
      quality: qualityOf(d.quality),
      source: d.source,
      inHostTotal: d.in_host_total,
    })),
    attribution: r.attribution,
    modelErrorW: p.finite(r.model_error_w, 'model_error_w', -1),
    idleEnergyUj: p.u64(r.idle_energy_uj, 'idle_energy_uj'),
    functions: r.functions.map((f, i) => ({
      function: f.function,
      dynamicEnergyUj: p.u64(f.dynamic_energy_uj, `functions[${i}].dynamic_energy_uj`),
      totalEnergyUj: p.u64(f.total_energy_uj, `functions[${i}].total_energy_uj`),
      powerW: p.finite(f.power_w, `functions[${i}].power_w`),
      cpuTimeUs: p.u64(f.cpu_time_us, `functions[${i}].cpu_time_us`),
      cores: f.cores,
      invocations: invocationsFromWire(f.invocations, p, `functions[${i}].invocations`),
      quality: qualityOf(f.quality),
    })),
    assignmentVersion: p.u64(r.assignment_version, 'assignment_version'),
    agentCpuTimeUs: p.u64(r.agent_cpu_time_us, 'agent_cpu_time_us'),
    agentRssBytes: p.u64(r.agent_rss_bytes, 'agent_rss_bytes'),
  };
  p.throwIfAny(`telemetry report seq ${r.seq}`);
  return tick;
}

export function ackFromWire(a: wire.AssignmentAck__Output): AssignmentAck {
  const p = new Problems();
  const version = p.u64(a.version, 'version');
  p.throwIfAny('assignment ack');
  return { version, ok: a.ok, error: a.error, errorCode: a.error_code, placements: a.placements.map(placementFromWire) };
}

function placementFromWire(pl: wire.FunctionPlacement__Output): FunctionPlacement {
  return { function: pl.function, cpus: [...pl.cpus], workerPids: [...pl.worker_pids] };
}

// ---- coordinator -> agent / CLI ----

export function assignmentToWire(a: Assignment): wire.Assignment {
  return {
    version: toWireU64(a.version),
    issued_at_ms: String(a.issuedAtMs),
    functions: a.functions.map((f) => ({ function: f.function, cores: f.cores, rate_rps: f.rateRps, arrival: f.arrival })),
  };
}

export function assignmentFromWire(a: wire.Assignment__Output): Assignment {
  return {
    version: toBigInt(a.version, 'version'),
    issuedAtMs: Number(a.issued_at_ms),
    functions: a.functions.map((f) => ({ function: f.function, cores: f.cores, rateRps: f.rate_rps, arrival: f.arrival })),
  };
}

export function functionsFromWire(fs: readonly wire.FunctionAssignment__Output[]): FunctionAssignment[] {
  return fs.map((f) => ({ function: f.function, cores: f.cores, rateRps: f.rate_rps, arrival: f.arrival }));
}

export function ackToWire(a: AssignmentAck): wire.AssignmentAck {
  return { version: toWireU64(a.version), ok: a.ok, error: a.error, error_code: a.errorCode, placements: a.placements.map(placementToWire) };
}

export function hostStateToWire(s: HostView['state']): wire.HostState__Output {
  return s === 'up' ? 'HOST_STATE_UP' : 'HOST_STATE_DOWN';
}

export interface PduReading {
  powerW: number;
  timestampMs: number;
}

export function hostToWire(h: HostView, pdu: PduReading | undefined): wire.Host {
  return {
    host_id: h.hostId,
    state: hostStateToWire(h.state),
    hello: helloToWire(h.hello),
    registered_at_ms: String(h.registeredAtMs),
    last_seen_ms: String(h.lastSeenMs),
    state_since_ms: String(h.stateSinceMs),
    ...(h.lastReport ? { last_report: telemetryToWire(h.lastReport), has_last_report: true } : { has_last_report: false }),
    reports_received: toWireU64(h.reportsReceived),
    reports_duplicate: toWireU64(h.reportsDuplicate),
    ...(h.assignment ? { assignment: assignmentToWire(h.assignment) } : {}),
    acked_assignment_version: toWireU64(h.ackedAssignmentVersion),
    placements: h.placements.map(placementToWire),
    ...(pdu ? { pdu_power_w: pdu.powerW, has_pdu_power: true, pdu_timestamp_ms: String(pdu.timestampMs) } : { has_pdu_power: false }),
    peer: h.peer,
    peer_cert_cn: h.peerCertCn,
  };
}
