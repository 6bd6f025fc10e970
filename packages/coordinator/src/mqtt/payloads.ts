// JSON payloads of the MQTT feed. Pure functions: snake_case keys with the unit in the name
// (power_w, energy_tick_j, timestamp_ms), energies in joules as numbers (a µJ counter would pass
// 2^53 within months), one timestamp_ms on every message. docs/mqtt.md shows one of each.
import { ujToJ, usToMs } from '@isawatt/common';
import type { BridgeFunctionTick, BridgeHostInfo, BridgePlacementHost, BridgeTelemetry } from './bridge-source.js';

/** A PDU reading shown beside the agent's own figure. */
export interface PduBeside {
  powerW: number;
  timestampMs: number;
}

/** Difference of the agent's figure from the PDU's, in % of the PDU figure (undefined if PDU is 0). */
export function diffPct(agentW: number, pduW: number): number | undefined {
  if (!(pduW > 0)) return undefined;
  return round((100 * (agentW - pduW)) / pduW, 2);
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

export interface HostPowerPayload {
  host_id: string;
  timestamp_ms: number;
  interval_ms: number;
  seq: number;
  power_w: number;
  energy_tick_j: number;
  /** Energy of this host summed over every tick the coordinator ingested since `energy_counter_since_ms`. */
  energy_counter_j: number;
  energy_counter_since_ms: number;
  source: string;
  energy_source: string;
  cpu_utilization: number;
  domains: {
    domain: string;
    socket: number;
    power_w: number;
    energy_tick_j: number;
    source: string;
    energy_source: string;
    in_host_total: boolean;
  }[];
  pdu_power_w?: number;
  pdu_timestamp_ms?: number;
  /** (agent - pdu) / pdu, in %. */
  pdu_diff_pct?: number;
}

export function hostPowerPayload(r: BridgeTelemetry, counter: { energyJ: number; sinceMs: number }, pdu: PduBeside | undefined): HostPowerPayload {
  const p: HostPowerPayload = {
    host_id: r.hostId,
    timestamp_ms: r.timestampMs,
    interval_ms: r.intervalMs,
    seq: Number(r.seq),
    power_w: r.hostPowerW,
    energy_tick_j: ujToJ(r.hostEnergyUj),
    energy_counter_j: counter.energyJ,
    energy_counter_since_ms: counter.sinceMs,
    source: r.quality,
    energy_source: r.energySource,
    cpu_utilization: r.cpuUtilization,
    domains: r.domains.map((d) => ({
      domain: d.domain,
      socket: d.socket,
      power_w: d.powerW,
      energy_tick_j: ujToJ(d.energyUj),
      source: d.quality,
      energy_source: d.source,
      in_host_total: d.inHostTotal,
    })),
  };
  if (pdu) {
    p.pdu_power_w = pdu.powerW;
    p.pdu_timestamp_ms = pdu.timestampMs;
    const d = diffPct(r.hostPowerW, pdu.powerW);
    if (d !== undefined) p.pdu_diff_pct = d;
  }
  return p;
}

export interface FunctionPowerPayload {
  host_id: string;
  function: string;
  timestamp_ms: number;
  interval_ms: number;
  power_w: number;
  energy_tick_j: number;
  dynamic_energy_tick_j: number;
  /** Attributed energy summed over every tick since `energy_counter_since_ms`. */
  energy_counter_j: number;
  energy_counter_since_ms: number;
  cpu_time_tick_ms: number;
  cores: number;
  source: string;
}

export function functionPowerPayload(r: BridgeTelemetry, f: BridgeFunctionTick, counter: { energyJ: number; sinceMs: number }): FunctionPowerPayload {
  return {
    host_id: r.hostId,
    function: f.function,
    timestamp_ms: r.timestampMs,
    interval_ms: r.intervalMs,
    power_w: f.powerW,
    energy_tick_j: ujToJ(f.totalEnergyUj),
    dynamic_energy_tick_j: ujToJ(f.dynamicEnergyUj),
    energy_counter_j: counter.energyJ,
    energy_counter_since_ms: counter.sinceMs,
    cpu_time_tick_ms: usToMs(f.cpuTimeUs),
    cores: f.cores,
    source: f.quality,
  };
}

export interface HostStatePayload {
  host_id: string;
  timestamp_ms: number;
  state: 'up' | 'down';
  state_since_ms: number;
  arch: string;
  cpu_model: string;
  host_type: string;
  sockets: number;
  cores_physical: number;
  cpus_logical: number;
  cpus_for_functions: number;
  emulated: boolean;
}

export function hostStatePayload(h: BridgeHostInfo, nowMs: number): HostStatePayload {
  return {
    host_id: h.hostId,
    timestamp_ms: nowMs,
    state: h.state,
    state_since_ms: h.stateSinceMs,
    arch: h.arch,
    cpu_model: h.cpuModel,
    host_type: h.hostType,
    sockets: h.sockets,
    cores_physical: h.physicalCores,
    cpus_logical: h.logicalCpus,
    cpus_for_functions: h.functionCpus,
    emulated: h.emulated,
  };
}

export interface PlacementPayload {
  timestamp_ms: number;
  hosts: {
    host_id: string;
    assignment_version: number;
    acked_version: number;
    cores_total: number;
    functions: { function: string; cores: number; rate_rps: number; cpus: number[] }[];
  }[];
}

export function placementPayload(hosts: readonly BridgePlacementHost[], nowMs: number): PlacementPayload {
  return {
    timestamp_ms: nowMs,
    hosts: [...hosts]
      .sort((a, b) => a.hostId.localeCompare(b.hostId))
      .map((h) => ({
        host_id: h.hostId,
        assignment_version: Number(h.assignmentVersion),
        acked_version: Number(h.ackedVersion),
        cores_total: h.functions.reduce((s, f) => s + f.cores, 0),
        functions: h.functions.map((f) => ({ function: f.function, cores: f.cores, rate_rps: f.rateRps, cpus: [...f.cpus] })),
      })),
  };
}

export interface CoordinatorStatePayload {
  state: 'online' | 'offline';
  cluster: string;
  timestamp_ms: number;
  started_at_ms: number;
  pid: number;
  /** Why it is offline: "shutdown" (clean stop) or "connection lost" (the last will). */
  reason?: string;
}

export function coordinatorStatePayload(
  state: 'online' | 'offline',
  info: { cluster: string; startedAtMs: number },
  nowMs: number,
  reason?: string,
): CoordinatorStatePayload {
  const p: CoordinatorStatePayload = { state, cluster: info.cluster, timestamp_ms: nowMs, started_at_ms: info.startedAtMs, pid: process.pid };
  if (reason !== undefined) p.reason = reason;
  return p;
}
