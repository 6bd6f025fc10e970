// Domain types of the coordinator's host registry. Proto messages are converted to these at the
// gRPC edge (server/codec.ts) and back for the Control API, so nothing past server/ sees wire
// types. Energy counters and other 64-bit counters are bigint (µJ, µs, bytes); power is a number
// in watts; times are milliseconds since the Unix epoch unless the name says otherwise.

export type Arch = 'x86_64' | 'aarch64' | 'unknown';

/** Where a figure comes from (proto Quality, lower-case). */
export type Quality = 'measured' | 'modelled' | 'estimated' | 'emulated' | 'unknown';

export type HostState = 'up' | 'down';

export interface EnergySourceInfo {
  kind: string;
  path: string;
  quality: Quality;
  domains: readonly string[];
  primary: boolean;
  detail: string;
}

export interface CatalogueEntry {
  name: string;
  version: string;
  runtime: string;
  category: string;
  runnable: boolean;
  unavailableReason: string;
}

/** What an agent says about its host in Hello. */
export interface HostHello {
  hostId: string;
  arch: Arch;
  cpuModel: string;
  sockets: number;
  physicalCores: number;
  logicalCpus: number;
  /** Logical CPU ids the agent may give to functions. */
  functionCpus: readonly number[];
  hostType: string;
  energySources: readonly EnergySourceInfo[];
  counterSource: string;
  pinning: string;
  catalogue: readonly CatalogueEntry[];
  agentVersion: string;
  sessionId: string;
  emulated: boolean;
  emulatedProfile: string;
  runningAssignmentVersion: bigint;
  memoryBytes: bigint;
  /** 0 when unknown. */
  idlePowerW: number;
  /** HOST:PORT of the agent's /invoke endpoint (the gateway's target); absent when none. */
  invokeAddress?: string | undefined;
}

export interface InvocationFigures {
  completed: bigint;
  errors: bigint;
  timeouts: bigint;
  dropped: bigint;
  latencyP50Ms: number;
  latencyP95Ms: number;
  latencyP99Ms: number;
  achievedRps: number;
}

export interface DomainTick {
  domain: string;
  socket: number;
  energyUj: bigint;
  powerW: number;
  quality: Quality;
  source: string;
  inHostTotal: boolean;
}

export interface FunctionTick {
  function: string;
  dynamicEnergyUj: bigint;
  totalEnergyUj: bigint;
  /** Mean attributed power (dynamic + idle share) over the tick. */
  powerW: number;
  cpuTimeUs: bigint;
  cores: number;
  invocations: InvocationFigures;
  quality: Quality;
}

/** One telemetry tick of one host (proto TelemetryReport). */
export interface TelemetryTick {
  seq: bigint;
  /** End of the tick. */
  timestampMs: number;
  intervalMs: number;
  sessionId: string;
  /** 0..1 */
  cpuUtilization: number;
  cpuUtilizationPerCpu: readonly number[];
  cpuFrequencyMhz: number;
  hostEnergyUj: bigint;
  hostPowerW: number;
  hostQuality: Quality;
  energySource: string;
  domains: readonly DomainTick[];
  attribution: string;
  /** -1 when unknown. */
  modelErrorW: number;
  idleEnergyUj: bigint;
  functions: readonly FunctionTick[];
  assignmentVersion: bigint;
  agentCpuTimeUs: bigint;
  agentRssBytes: bigint;
}

export interface FunctionAssignment {
  function: string;
  /** CPUs for the function (one worker each); 0 removes it. */
  cores: number;
  /** Open-loop request rate, requests/s (0: no generated load). */
  rateRps: number;
  /** "constant" | "poisson" | "" (constant). */
  arrival: string;
}

/** The full set of functions one host runs. `version` increases per host. */
export interface Assignment {
  version: bigint;
  functions: readonly FunctionAssignment[];
  issuedAtMs: number;
}

export interface FunctionPlacement {
  function: string;
  cpus: readonly number[];
  workerPids: readonly number[];
}

/** The agent's answer to an Assignment. */
export interface AssignmentAck {
  version: bigint;
  ok: boolean;
  error: string;
  errorCode: string;
  placements: readonly FunctionPlacement[];
}

/** What survives a coordinator restart about one host (store/). */
export interface PersistedHost {
  hostId: string;
  hello: HostHello;
  registeredAtMs: number;
  lastSeenMs: number;
  /** Highest seq stored per agent session (dedupe after reconnects and coordinator restarts). */
  lastSeqBySession: Readonly<Record<string, bigint>>;
  /** The assignment the host should run (undefined: none yet). */
  assignment: Assignment | undefined;
  /** Highest assignment version ever issued to this host (versions are never reused). */
  lastIssuedVersion: bigint;
  ackedAssignmentVersion: bigint;
  placements: readonly FunctionPlacement[];
}

/** A read-only view of one host, as the Control API and the event listeners see it. */
export interface HostView {
  hostId: string;
  state: HostState;
  hello: HostHello;
  registeredAtMs: number;
  lastSeenMs: number;
  stateSinceMs: number;
  lastReport: TelemetryTick | undefined;
  /** Reports stored since this coordinator process started (deduplicated). */
  reportsReceived: number;
  /** Reports received twice and dropped. */
  reportsDuplicate: number;
  assignment: Assignment | undefined;
  ackedAssignmentVersion: bigint;
  placements: readonly FunctionPlacement[];
  /** ip:port the agent connects from ('' when not attached). */
  peer: string;
  /** Client certificate CN under mTLS ('' otherwise). */
  peerCertCn: string;
}
