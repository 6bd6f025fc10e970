// Domain types of the coordinator's host registry. Proto messages are converted to these at the
// gRPC edge (server/codec.ts) and back for the Control API, so nothing past server/ sees wire
// types. Energy counters and other 64-bit counters are bigint (µJ, µs, bytes); power is a number
// in watts; times are milliseconds since the Unix epoch unless the name says otherwise. Hello and
// the telemetry report are the shared domain types of @isawatt/common.
import type { FunctionEnergy, FunctionPlacement, Hello, InvocationFigures, TelemetryReport } from '@isawatt/common';

export type { Arch, FunctionPlacement, Hello, InvocationFigures, ReportedArch, ReportedQuality } from '@isawatt/common';

export type HostState = 'up' | 'down';

/** One function's figures of one tick; invocation figures are zeros when the agent sent none. */
export type FunctionTick = FunctionEnergy & { readonly invocations: InvocationFigures };

/** One telemetry tick of one host (proto TelemetryReport). */
export type TelemetryTick = Omit<TelemetryReport, 'functions'> & { readonly functions: readonly FunctionTick[] };

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
  hello: Hello;
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
  hello: Hello;
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
