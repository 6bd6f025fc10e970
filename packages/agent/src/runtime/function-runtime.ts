// Contract between the runtime (catalogue, cgroup-pinned workers, load driver) and the rest of the
// agent: the coordinator link applies assignments through it, the monitor reads its activity
// targets and invocation figures once per tick.
import type { CatalogueEntry, FunctionPlacement, InvocationFigures } from '@isawatt/common';
import type { ActivityTarget } from '../counters/activity-source.js';

export type Arrival = 'constant' | 'poisson';

export interface FunctionAssignmentSpec {
  readonly function: string;
  /** CPUs (one single-threaded worker each); 0 removes the function. */
  readonly cores: number;
  /** Open-loop rate the load driver generates, requests/s; 0 = no generated load. */
  readonly rateRps: number;
  readonly arrival: Arrival;
  /** Closed loop instead of rateRps: one request outstanding per worker (profiling throughput). */
  readonly saturate?: boolean;
}

export interface AssignmentSpec {
  readonly version: bigint;
  readonly functions: readonly FunctionAssignmentSpec[];
}

export type ApplyErrorCode = 'unknown-function' | 'runtime-missing' | 'not-enough-cores' | 'invalid' | 'internal';

export type PlacementInfo = FunctionPlacement;

export type ApplyResult =
  { readonly ok: true; readonly placements: readonly PlacementInfo[] } | { readonly ok: false; readonly code: ApplyErrorCode; readonly error: string };

/** A catalogue entry as Hello reports it: exactly the fields the shared wire mapping takes. */
export type CatalogueEntryInfo = CatalogueEntry;

export type PinningMode = 'cgroup-v2-cpuset' | 'cgroup-v1-cpuset' | 'sched-affinity';

export interface FunctionRuntime {
  catalogue(): readonly CatalogueEntryInfo[];
  readonly pinning: PinningMode;
  /**
   * Applies a whole assignment: validates it first (nothing changes on error), then starts, resizes
   * or stops only the functions that differ from the running state. Serialised: concurrent calls
   * queue.
   */
  apply(assignment: AssignmentSpec): Promise<ApplyResult>;
  /** Version of the assignment running now (0n: none). */
  runningVersion(): bigint;
  /** Placements running now. */
  placements(): readonly PlacementInfo[];
  /** One target per running function, for the activity sources. */
  activityTargets(): readonly ActivityTarget[];
  /** Invocation figures per function since the previous call (the monitor calls it once a tick). */
  takeInvocationFigures(): ReadonlyMap<string, InvocationFigures<number>>;
  /** Stops every worker and removes every cgroup it created. */
  close(): Promise<void>;
}
