// What the MQTT bridge consumes from the rest of the coordinator, and nothing more. The registry
// (or a test) implements BridgeSource; the bridge never reaches into registry internals, so it can
// be built and tested on its own. Energy counters are bigint µJ; power is number W; times are ms
// since the Unix epoch.

import type { ReportedArch, ReportedQuality } from '@isawatt/common';

export interface BridgeHostInfo {
  hostId: string;
  state: 'up' | 'down';
  arch: ReportedArch;
  cpuModel: string;
  hostType: string;
  sockets: number;
  physicalCores: number;
  logicalCpus: number;
  /** CPUs the agent may give to functions. */
  functionCpus: number;
  emulated: boolean;
  /** When the host entered its current state. */
  stateSinceMs: number;
}

export interface BridgeDomainTick {
  domain: string;
  socket: number;
  energyUj: bigint;
  powerW: number;
  quality: ReportedQuality;
  source: string;
  inHostTotal: boolean;
}

export interface BridgeFunctionTick {
  function: string;
  /** Mean attributed power (dynamic + idle share) over the tick. */
  powerW: number;
  dynamicEnergyUj: bigint;
  totalEnergyUj: bigint;
  cpuTimeUs: bigint;
  cores: number;
  quality: ReportedQuality;
}

/** One telemetry tick of one host, as ingested by the coordinator. */
export interface BridgeTelemetry {
  hostId: string;
  seq: bigint;
  /** End of the tick. */
  timestampMs: number;
  intervalMs: number;
  hostPowerW: number;
  hostEnergyUj: bigint;
  quality: ReportedQuality;
  /** Energy source kind ("rapl", "estimated", "emulated", ...). */
  energySource: string;
  cpuUtilization: number;
  domains: readonly BridgeDomainTick[];
  functions: readonly BridgeFunctionTick[];
  assignmentVersion: bigint;
}

export interface BridgePlacedFunction {
  function: string;
  cores: number;
  rateRps: number;
  /** Concrete CPUs the agent gave it (empty until acknowledged). */
  cpus: readonly number[];
}

/** One host's part of the current placement. */
export interface BridgePlacementHost {
  hostId: string;
  assignmentVersion: bigint;
  ackedVersion: bigint;
  functions: readonly BridgePlacedFunction[];
}

export type BridgeEvent =
  | { type: 'host-up'; host: BridgeHostInfo }
  | { type: 'host-down'; host: BridgeHostInfo; reason: string }
  | { type: 'telemetry'; report: BridgeTelemetry }
  | { type: 'assignment-applied'; hostId: string; version: bigint; placement: BridgePlacementHost }
  | { type: 'assignment-failed'; hostId: string; version: bigint; error: string; errorCode: string };

/**
 * The coordinator state the bridge publishes. `hosts()` and `placement()` are read when the bridge
 * starts (to publish retained state) and after each event; `subscribe` delivers events
 * synchronously as the coordinator ingests them, so the listener must not block: the bridge only
 * enqueues.
 */
export interface BridgeSource {
  hosts(): readonly BridgeHostInfo[];
  placement(): readonly BridgePlacementHost[];
  /** Returns the function that unsubscribes. */
  subscribe(listener: (event: BridgeEvent) => void): () => void;
}
