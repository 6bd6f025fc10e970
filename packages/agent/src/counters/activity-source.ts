// Contract of per-function activity sources: perf stat per cgroup, PowerAPI hwpc-sensor reports,
// cgroup CPU time. The monitor calls `sample` once per tick with the current targets.

/** One function's cgroup(s), as created by the runtime. Paths are absolute (under the cgroup root). */
export interface ActivityTarget {
  /** Function name (the attribution key). */
  readonly name: string;
  /** cgroup v2 directory (unified hierarchy), when the function has one. */
  readonly cgroupV2Path?: string;
  /** cgroup v1 directories by controller ("cpuset", "cpuacct", "perf_event"), when present. */
  readonly cgroupV1Paths?: Readonly<Record<string, string>>;
  /** CPUs the function is pinned to (helps per-socket attribution). */
  readonly cpus: readonly number[];
}

/** Activity of one target over the interval since the previous sample. */
export interface TargetActivity {
  readonly name: string;
  /** CPU time used, in µs (from cgroup accounting or task-clock). */
  readonly cpuTimeUs: bigint;
  /**
   * Hardware/software event counts over the interval, per socket: socket -> event -> count.
   * Empty when the source has no counters (cgroup CPU time only).
   */
  readonly eventsBySocket: ReadonlyMap<number, ReadonlyMap<string, bigint>>;
}

export interface ActivitySample {
  readonly timestampMs: number;
  readonly intervalMs: number;
  readonly targets: readonly TargetActivity[];
  /** Event names in a fixed order (the model's feature order); empty for CPU time only. */
  readonly events: readonly string[];
  readonly warnings: readonly string[];
  /**
   * Counts of monitored cgroups that are not functions (other tenants, system slices), summed, per
   * socket -> event -> count. Optional: attribution includes them in the model's global features so
   * their predicted power is left unattributed instead of being pushed onto functions.
   */
  readonly otherEventsBySocket?: ReadonlyMap<number, ReadonlyMap<string, bigint>>;
  /**
   * Host energy the source itself measured over the interval, per socket, µJ (hwpc-sensor's
   * RAPL_ENERGY_PKG of the "all" target). Optional; the monitor may use it when no meter exists.
   */
  readonly hostEnergyUjBySocket?: ReadonlyMap<number, bigint>;
  /** Mean package frequency per socket over the interval, MHz (hwpc-sensor APERF/MPERF). Optional. */
  readonly frequencyMhzBySocket?: ReadonlyMap<number, number>;
  /**
   * The wall-clock span the counts cover, ms since epoch, when it is not the agent's own tick
   * (hwpc-sensor releases a tick's counts one or two seconds after it): the monitor lines the host
   * energy up with it instead of pairing these counts with the energy of its current tick.
   */
  readonly spanMs?: { readonly startMs: number; readonly endMs: number };
}

export interface ActivitySource {
  /** "perf", "hwpc-sensor", "cgroup-cputime". */
  readonly kind: string;
  init(): Promise<void>;
  /** Counts since the previous call for each target (a new target's first sample counts from 0). */
  sample(targets: readonly ActivityTarget[], nowMs: number): Promise<ActivitySample>;
  close(): Promise<void>;
}
