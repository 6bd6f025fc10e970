// The only place in the agent that maps domain values to isawatt.v1 wire messages and back. The
// field-by-field mapping onto Hello, TelemetryReport and FunctionPlacement is shared with the
// coordinator (@isawatt/common wire-convert); this file adapts the agent's shapes to it. uint64
// fields travel as decimal strings (proto-loader longs: String) and are bigint on the domain side;
// enums travel as their names. Incoming messages are validated here and rejected with every problem named.
import { helloToWire, placementToWire, qualityFromWire, telemetryToWire, toBigInt, toWireU64, ValidationError, type wire } from '@isawatt/common';
import type { ApplyResult, Arrival, AssignmentSpec } from '../runtime/function-runtime.js';
import type { Quality } from '@isawatt/common';
import type { DomainFigure, FunctionFigure, InvocationFigures, TickSnapshot } from '../telemetry/snapshot.js';
import type { HelloInfo } from './hello-info.js';

/** A wire quality -> Quality; QUALITY_UNSPECIFIED and unknown names are rejected. */
function requireQuality(q: string, what: string): Quality {
  const quality = qualityFromWire(q);
  if (quality === undefined) throw new ValidationError(what, `unspecified or unknown quality ${q}`);
  return quality;
}

function invocationsFromWire(i: wire.InvocationStats__Output): InvocationFigures {
  return {
    completed: Number(toBigInt(i.completed, 'invocations.completed')),
    errors: Number(toBigInt(i.errors, 'invocations.errors')),
    timeouts: Number(toBigInt(i.timeouts, 'invocations.timeouts')),
    dropped: Number(toBigInt(i.dropped, 'invocations.dropped')),
    arrived: Number(toBigInt(i.arrived, 'invocations.arrived')),
    expired: Number(toBigInt(i.expired, 'invocations.expired')),
    ...(i.completed_by_age.length > 0 ? { completedByAge: i.completed_by_age.map((n, a) => Number(toBigInt(n, `invocations.completed_by_age[${a}]`))) } : {}),
    latencyP50Ms: i.latency_p50_ms,
    latencyP95Ms: i.latency_p95_ms,
    latencyP99Ms: i.latency_p99_ms,
    achievedRps: i.achieved_rps,
  };
}

/** TickSnapshot -> TelemetryReport of this session. */
export function encodeTelemetry(s: TickSnapshot, sessionId: string): wire.TelemetryReport {
  return telemetryToWire({ ...s, sessionId });
}

/** TelemetryReport -> session id + TickSnapshot (tests and tools; the coordinator has its own). */
export function decodeTelemetry(r: wire.TelemetryReport__Output): { sessionId: string; snapshot: TickSnapshot } {
  const domains: DomainFigure[] = r.domains.map((d, i) => ({
    domain: d.domain,
    socket: d.socket,
    energyUj: toBigInt(d.energy_uj, `domains[${i}].energy_uj`),
    powerW: d.power_w,
    quality: requireQuality(d.quality, `domains[${i}].quality`),
    source: d.source,
    inHostTotal: d.in_host_total,
  }));
  const functions: FunctionFigure[] = r.functions.map((f, i) => ({
    function: f.function,
    dynamicEnergyUj: toBigInt(f.dynamic_energy_uj, `functions[${i}].dynamic_energy_uj`),
    totalEnergyUj: toBigInt(f.total_energy_uj, `functions[${i}].total_energy_uj`),
    powerW: f.power_w,
    cpuTimeUs: toBigInt(f.cpu_time_us, `functions[${i}].cpu_time_us`),
    cores: f.cores,
    quality: requireQuality(f.quality, `functions[${i}].quality`),
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
      hostQuality: requireQuality(r.host_quality, 'host_quality'),
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
  return helloToWire({ ...h.hardware, ...h, emulated: h.emulatedProfile !== undefined, emulatedProfile: h.emulatedProfile ?? '' });
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
      placements: result.placements.map(placementToWire),
    };
  }
  return { version: toWireU64(version), ok: false, error: result.error, error_code: result.code, placements: [] };
}
