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
  wireLongToBigInt,
  type wire,
  type WireLong,
  msToUs,
  INVOKE_SCHEMES,
  type InvokeScheme,
  COMPLETED_BY_AGE_TICKS,
} from '@isawatt/common';
import { NO_INVOCATIONS } from '../registry/ingested-report.js';
import { HOST_ID_PATTERN } from '../store/state-store.js';
import type {
  Assignment,
  AssignmentAck,
  FunctionAssignment,
  FunctionPlacement,
  Hello,
  HostView,
  InvocationFigures,
  ReportedArch,
  ReportedQuality,
  TelemetryTick,
} from '../registry/types.js';

// ---- enums ----

function qualityOf(q: string): ReportedQuality {
  return qualityFromWire(q) ?? 'unknown';
}
function archOf(a: string): ReportedArch {
  return archFromWire(a) ?? 'unknown';
}

// ---- bounds (docs/security.md "Input bounds") ----

/** Physical bounds on a Hello: generous for any server built today, tight enough to refuse nonsense. */
export const HELLO_BOUNDS = {
  maxSockets: 64,
  maxCoresPerSocket: 1024,
  maxLogicalPerCore: 8,
  /** Idle power per socket, W (plus a platform allowance). */
  maxIdlePowerPerSocketW: 1000,
  maxMemoryBytes: 2n ** 52n,
  maxCatalogue: 4096,
  maxEnergySources: 64,
  maxText: 256,
} as const;

/** Per-report bounds; power bounds derive from the host's Hello (hostMaxPowerW). */
export const REPORT_BOUNDS = {
  maxFunctions: 4096,
  maxDomains: 256,
  maxIntervalMs: 3_600_000,
  /** Reports older than this (agents replay buffered ones) or newer than maxFutureMs are refused. */
  maxAgeMs: 31 * 24 * 3_600_000,
  maxFutureMs: 5 * 60_000,
} as const;

/** Power the host cannot exceed: 1,000 W per socket plus 1,000 W for the rest of the platform. */
export function hostMaxPowerW(sockets: number): number {
  return 1000 * Math.max(1, sockets) + 1000;
}

/** Printable text of at most `max` characters: no control characters (C0, DEL, C1) or ANSI escapes. */
export function isCleanText(v: string, max: number = HELLO_BOUNDS.maxText): boolean {
  return v.length <= max && !/[\u0000-\u001f\u007f-\u009f]/.test(v);
}

// ---- validation helpers ----

/** Raw 64-bit field as it reaches the codec: a decimal string, a decoded long, or bigint (the ingest reader). */
type RawU64 = string | WireLong | bigint;

/**
 * Collects every problem of one message. Field names of per-entry fields come as parts
 * (`list`, `index`, `sub`) and are joined only when a problem is reported: a valid report of 200
 * functions then builds no strings at all.
 */
class Problems {
  readonly list: string[] = [];
  check(ok: boolean, msg: string): void {
    if (!ok) this.list.push(msg);
  }
  u64(value: RawU64, field: string, index = -1, sub = ''): bigint {
    if (typeof value === 'bigint' && value >= 0n) return value;
    try {
      const v = toBigInt(value, field);
      if (v < 0n) throw new RangeError('negative');
      return v;
    } catch {
      const shown = typeof value === 'string' ? value : typeof value === 'bigint' ? value.toString() : wireLongToBigInt(value).toString();
      this.list.push(`${fieldName(field, index, sub)}: expected an unsigned integer, got "${shown}"`);
      return 0n;
    }
  }
  finite(value: number, field: string, min = 0, max = Number.MAX_VALUE, index = -1, sub = ''): number {
    if (!Number.isFinite(value) || value < min || value > max)
      this.list.push(`${fieldName(field, index, sub)}: expected a finite number in [${min}, ${max}], got ${value}`);
    return value;
  }
  /** A u64 that must not exceed `max`. */
  u64Max(value: RawU64, field: string, max: bigint, why: string, index = -1, sub = ''): bigint {
    const v = this.u64(value, field, index, sub);
    if (v > max) this.list.push(`${fieldName(field, index, sub)}: ${v} exceeds ${max} (${why})`);
    return v;
  }
  text(value: string, field: string, max: number = HELLO_BOUNDS.maxText, index = -1, sub = ''): string {
    if (!isCleanText(value, max))
      this.list.push(`${fieldName(field, index, sub)}: expected at most ${max} printable characters (no control characters or escape sequences)`);
    return value;
  }
  count(n: number, max: number, field: string): boolean {
    if (n > max) {
      this.list.push(`${field}: ${n} entries, at most ${max} allowed`);
      return false;
    }
    return true;
  }
  throwIfAny(what: string): void {
    if (this.list.length > 0) throw new ValidationError(what, 'malformed', this.list);
  }
}

/** `field`, or `field[index].sub` for an entry of a repeated field. */
function fieldName(field: string, index: number, sub: string): string {
  return index < 0 ? field : `${field}[${index}].${sub}`;
}

// ---- agent -> coordinator ----

export function helloFromWire(h: wire.Hello__Output): Hello {
  const p = new Problems();
  p.check(HOST_ID_PATTERN.test(h.host_id), `host_id: expected 1-128 characters [A-Za-z0-9._-] starting with a letter or digit, got "${h.host_id}"`);
  const arch = archOf(h.arch);
  p.check(arch !== 'unknown', `arch: expected ARCH_X86_64 or ARCH_AARCH64, got ${h.arch}`);
  const B = HELLO_BOUNDS;
  p.check(h.sockets >= 1 && h.sockets <= B.maxSockets, `sockets: expected 1..${B.maxSockets}, got ${h.sockets}`);
  const maxCores = Math.max(1, h.sockets) * B.maxCoresPerSocket;
  p.check(
    h.physical_cores >= 1 && h.physical_cores <= maxCores,
    `physical_cores: expected 1..${maxCores} (${B.maxCoresPerSocket} per socket), got ${h.physical_cores}`,
  );
  const maxLogical = Math.min(h.physical_cores, maxCores) * B.maxLogicalPerCore;
  p.check(
    h.logical_cpus >= h.physical_cores && h.logical_cpus <= maxLogical,
    `logical_cpus: expected physical_cores (${h.physical_cores}) .. ${maxLogical} (${B.maxLogicalPerCore} threads per core), got ${h.logical_cpus}`,
  );
  p.check(h.session_id.length > 0 && isCleanText(h.session_id, 128), 'session_id: expected a non-empty printable id of at most 128 characters');
  p.text(h.cpu_model, 'cpu_model');
  p.text(h.host_type, 'host_type');
  p.text(h.agent_version, 'agent_version', 64);
  p.text(h.counter_source, 'counter_source');
  p.text(h.pinning, 'pinning');
  p.text(h.emulated_profile, 'emulated_profile');
  if (p.count(h.catalogue.length, B.maxCatalogue, 'catalogue')) {
    h.catalogue.forEach((f, i) => {
      p.text(f.name, `catalogue[${i}].name`, 128);
      p.text(f.version, `catalogue[${i}].version`, 64);
      p.text(f.runtime, `catalogue[${i}].runtime`, 64);
      p.text(f.category, `catalogue[${i}].category`, 64);
      p.text(f.unavailable_reason, `catalogue[${i}].unavailable_reason`);
    });
  }
  if (p.count(h.energy_sources.length, B.maxEnergySources, 'energy_sources')) {
    h.energy_sources.forEach((e, i) => {
      p.text(e.kind, `energy_sources[${i}].kind`, 64);
      p.text(e.path, `energy_sources[${i}].path`);
      p.text(e.detail, `energy_sources[${i}].detail`);
      p.count(e.domains.length, 256, `energy_sources[${i}].domains`);
      e.domains.forEach((d, j) => p.text(d, `energy_sources[${i}].domains[${j}]`, 64));
    });
  }
  p.check(new Set(h.function_cpus).size === h.function_cpus.length, 'function_cpus: duplicate CPU ids');
  p.check(
    h.function_cpus.every((c) => c < h.logical_cpus),
    `function_cpus: every id must be below logical_cpus (${h.logical_cpus})`,
  );
  const runningAssignmentVersion = p.u64(h.running_assignment_version, 'running_assignment_version');
  const memoryBytes = p.u64Max(h.memory_bytes, 'memory_bytes', B.maxMemoryBytes, '4 PiB');
  const idlePowerW = p.finite(h.idle_power_w, 'idle_power_w', 0, B.maxIdlePowerPerSocketW * Math.max(1, h.sockets) + 1000);
  // Bounded and shaped before it is stored or dialled: HOST:PORT, a bracketed IPv6 host allowed.
  p.check(
    h.invoke_address === '' ||
      (h.invoke_address.length <= 262 &&
        /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(h.invoke_address) &&
        Number(h.invoke_address.split(':').pop()) <= 65535),
    `invoke_address: expected empty or HOST:PORT, got "${h.invoke_address.slice(0, 80)}"`,
  );
  // Empty (an older agent) is plain HTTP; anything else must be one of the known schemes.
  p.check(
    h.invoke_scheme === '' || (INVOKE_SCHEMES as readonly string[]).includes(h.invoke_scheme),
    `invoke_scheme: expected empty, "http" or "https", got "${h.invoke_scheme.slice(0, 16).replace(/[^\x20-\x7e]/g, '?')}"`,
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
    ...(h.invoke_address ? { invokeAddress: h.invoke_address, invokeScheme: (h.invoke_scheme || 'http') as InvokeScheme } : {}),
  };
}

/** Invocation figures of functions[i] (field names built only for a problem, see Problems). */
/**
 * completed_by_age of functions[i]: at most COMPLETED_BY_AGE_TICKS entries, adding up to no more
 * than the completions they break down. Empty (old agents) is left out.
 */
function completedByAgeFromWire(inv: wire.InvocationStats__Output, completed: bigint, p: Problems, i: number): { completedByAge?: bigint[] } {
  const raw = inv.completed_by_age;
  if (raw.length === 0) return {};
  if (raw.length > COMPLETED_BY_AGE_TICKS) {
    p.check(false, `${fieldName('functions', i, 'invocations.completed_by_age')}: ${raw.length} entries, at most ${COMPLETED_BY_AGE_TICKS} allowed`);
    return {};
  }
  const ages = raw.map((n) => p.u64(n, 'functions', i, 'invocations.completed_by_age'));
  const sum = ages.reduce((s, n) => s + n, 0n);
  p.check(sum <= completed, `${fieldName('functions', i, 'invocations.completed_by_age')}: adds up to ${sum}, more than the ${completed} completed`);
  return { completedByAge: ages };
}

function invocationsFromWire(inv: wire.InvocationStats__Output | null, p: Problems, i: number): InvocationFigures {
  if (!inv) return NO_INVOCATIONS;
  const completed = p.u64(inv.completed, 'functions', i, 'invocations.completed');
  return {
    ...completedByAgeFromWire(inv, completed, p, i),
    completed,
    errors: p.u64(inv.errors, 'functions', i, 'invocations.errors'),
    timeouts: p.u64(inv.timeouts, 'functions', i, 'invocations.timeouts'),
    dropped: p.u64(inv.dropped, 'functions', i, 'invocations.dropped'),
    arrived: p.u64(inv.arrived, 'functions', i, 'invocations.arrived'),
    expired: p.u64(inv.expired, 'functions', i, 'invocations.expired'),
    latencyP50Ms: p.finite(inv.latency_p50_ms, 'functions', 0, Number.MAX_VALUE, i, 'invocations.latency_p50_ms'),
    latencyP95Ms: p.finite(inv.latency_p95_ms, 'functions', 0, Number.MAX_VALUE, i, 'invocations.latency_p95_ms'),
    latencyP99Ms: p.finite(inv.latency_p99_ms, 'functions', 0, Number.MAX_VALUE, i, 'invocations.latency_p99_ms'),
    achievedRps: p.finite(inv.achieved_rps, 'functions', 0, Number.MAX_VALUE, i, 'invocations.achieved_rps'),
  };
}

export interface ReportContext {
  /** The coordinator's clock, ms since the epoch. */
  nowMs: number;
  /** The most power this host can draw (hostMaxPowerW of its Hello). */
  maxPowerW: number;
  /** Its logical CPUs (bounds cpu_utilization_per_cpu). */
  logicalCpus: number;
}

const UTIL_MAX = 1.0001;

/** An int64 as the AgentLink ingest path decodes it (bigint, or a long object when unset) or as a decimal string. */
function int64ToNumber(v: RawU64): number {
  return typeof v === 'string' || typeof v === 'bigint' ? Number(v) : Number(wireLongToBigInt(v));
}

export function reportFromWire(
  r: wire.TelemetryReport__Output,
  ctx: ReportContext = { nowMs: Date.now(), maxPowerW: hostMaxPowerW(HELLO_BOUNDS.maxSockets), logicalCpus: 65536 },
): TelemetryTick {
  const p = new Problems();
  const B = REPORT_BOUNDS;
  const seq = p.u64(r.seq, 'seq');
  p.check(seq >= 1n, 'seq: expected >= 1');
  const timestampMs = int64ToNumber(r.timestamp_ms);
  p.check(Number.isSafeInteger(timestampMs) && timestampMs > 0, `timestamp_ms: expected ms since the Unix epoch, got "${r.timestamp_ms}"`);
  p.check(
    !Number.isSafeInteger(timestampMs) || (timestampMs >= ctx.nowMs - B.maxAgeMs && timestampMs <= ctx.nowMs + B.maxFutureMs),
    `timestamp_ms: ${r.timestamp_ms} is outside the window of the coordinator clock (${ctx.nowMs}: at most 31 days old, 5 minutes ahead); check the agent's clock`,
  );
  p.check(r.interval_ms > 0 && r.interval_ms <= B.maxIntervalMs, `interval_ms: expected 1..${B.maxIntervalMs}, got ${r.interval_ms}`);
  p.check(r.session_id.length > 0 && isCleanText(r.session_id, 128), 'session_id: expected the Hello session_id');
  p.check(
    Number.isFinite(r.cpu_utilization) && r.cpu_utilization >= 0 && r.cpu_utilization <= UTIL_MAX,
    `cpu_utilization: expected 0..1, got ${r.cpu_utilization}`,
  );
  if (p.count(r.cpu_utilization_per_cpu.length, ctx.logicalCpus, 'cpu_utilization_per_cpu')) {
    const bad = r.cpu_utilization_per_cpu.findIndex((u) => !(Number.isFinite(u) && u >= 0 && u <= UTIL_MAX));
    p.check(bad < 0, `cpu_utilization_per_cpu[${bad}]: expected 0..1, got ${r.cpu_utilization_per_cpu[bad]}`);
  }
  p.count(r.domains.length, B.maxDomains, 'domains');
  const fnOk = p.count(r.functions.length, B.maxFunctions, 'functions');
  p.text(r.energy_source, 'energy_source', 64);
  p.text(r.attribution, 'attribution', 64);
  // Energy of one interval cannot exceed what the host's maximum power delivers in it (µJ = W × µs).
  const intervalMs = r.interval_ms > 0 && r.interval_ms <= B.maxIntervalMs ? r.interval_ms : B.maxIntervalMs;
  const maxEnergyUj = BigInt(Math.ceil(ctx.maxPowerW * msToUs(intervalMs)));
  // Built once per report (not per field); only printed with a problem.
  const powerWhy = `the host's maximum ${ctx.maxPowerW} W over ${intervalMs} ms`;
  const maxW = ctx.maxPowerW;
  const tick: TelemetryTick = {
    seq,
    timestampMs,
    intervalMs: r.interval_ms,
    sessionId: r.session_id,
    cpuUtilization: r.cpu_utilization,
    // Already a fresh array from the decoder: kept, not copied.
    cpuUtilizationPerCpu: r.cpu_utilization_per_cpu,
    cpuFrequencyMhz: p.finite(r.cpu_frequency_mhz, 'cpu_frequency_mhz', 0, 100_000),
    hostEnergyUj: p.u64Max(r.host_energy_uj, 'host_energy_uj', maxEnergyUj, powerWhy),
    hostPowerW: p.finite(r.host_power_w, 'host_power_w', 0, maxW),
    hostQuality: qualityOf(r.host_quality),
    energySource: r.energy_source,
    domains: r.domains.slice(0, B.maxDomains).map((d, i) => ({
      domain: p.text(d.domain, `domains[${i}].domain`, 64),
      socket: d.socket,
      energyUj: p.u64Max(d.energy_uj, `domains[${i}].energy_uj`, maxEnergyUj, powerWhy),
      powerW: p.finite(d.power_w, `domains[${i}].power_w`, 0, maxW),
      quality: qualityOf(d.quality),
      source: d.source,
      inHostTotal: d.in_host_total,
    })),
    attribution: r.attribution,
    modelErrorW: p.finite(r.model_error_w, 'model_error_w', -1, maxW),
    idleEnergyUj: p.u64Max(r.idle_energy_uj, 'idle_energy_uj', maxEnergyUj, powerWhy),
    // Over the cap, nothing is decoded: the report is refused as a whole.
    functions: (fnOk ? r.functions : []).map((f, i) => ({
      function: p.text(f.function, 'functions', 128, i, 'function'),
      dynamicEnergyUj: p.u64Max(f.dynamic_energy_uj, 'functions', maxEnergyUj, powerWhy, i, 'dynamic_energy_uj'),
      totalEnergyUj: p.u64Max(f.total_energy_uj, 'functions', maxEnergyUj, powerWhy, i, 'total_energy_uj'),
      powerW: p.finite(f.power_w, 'functions', 0, maxW, i, 'power_w'),
      cpuTimeUs: p.u64(f.cpu_time_us, 'functions', i, 'cpu_time_us'),
      cores: f.cores,
      invocations: invocationsFromWire(f.invocations, p, i),
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
