// Original file: proto/isawatt/v1/agent_link.proto


/**
 * Profile a bag of co-located functions on one host. The agent refuses a job while it runs an
 * assignment with functions, or another job. It measures idle power first (idle_ms > 0), then
 * starts every function of the bag pinned on its own cores, drives them saturated (closed loop),
 * waits warmup_ms, measures duration_ms, stops everything (workers and cgroups) and answers with a
 * BagResult of the same job_id.
 */
export interface ProfileJob {
  'job_id'?: (string);
  /**
   * Catalogue names, at most 64, each at most once.
   */
  'functions'?: (string)[];
  /**
   * CPUs given to each function of the bag (0: the host's function CPUs split evenly).
   */
  'cores_per_function'?: (number);
  /**
   * How long to measure, in milliseconds (after warm-up).
   */
  'duration_ms'?: (number);
  /**
   * Warm-up before measuring, in milliseconds.
   */
  'warmup_ms'?: (number);
  /**
   * True: closed loop (throughput per core). False: open loop at rate_rps per function.
   */
  'saturate'?: (boolean);
  'rate_rps'?: (number | string);
  /**
   * Idle interval measured before the functions start (no function running), in milliseconds;
   * 0: no idle measurement (BagResult.idle_power_w is then 0).
   */
  'idle_ms'?: (number);
  /**
   * Campaign the job belongs to (free text for logs, at most 128 characters).
   */
  'campaign_id'?: (string);
  /**
   * Open-loop phase after the saturated window (saturate must be true), 0 < u <= 1: each function is
   * then driven open loop (constant arrivals, as the runs' load drivers do) at u x its cores x the
   * executions/s per core it just sustained, warmed up for warmup_ms and measured for duration_ms.
   * 0: no open-loop phase (FunctionProfile.open_loop is then absent).
   */
  'open_loop_utilisation'?: (number | string);
  /**
   * Several open-loop phases, one per utilisation, each 0 < u <= 1, strictly increasing: the
   * function's cost at every utilisation listed (FunctionProfile.open_loop_points). When set, it
   * supersedes open_loop_utilisation, which the coordinator sets to the last (highest) entry so that
   * an agent without this field still measures that one point.
   */
  'open_loop_utilisations'?: (number | string)[];
}

/**
 * Profile a bag of co-located functions on one host. The agent refuses a job while it runs an
 * assignment with functions, or another job. It measures idle power first (idle_ms > 0), then
 * starts every function of the bag pinned on its own cores, drives them saturated (closed loop),
 * waits warmup_ms, measures duration_ms, stops everything (workers and cgroups) and answers with a
 * BagResult of the same job_id.
 */
export interface ProfileJob__Output {
  'job_id': (string);
  /**
   * Catalogue names, at most 64, each at most once.
   */
  'functions': (string)[];
  /**
   * CPUs given to each function of the bag (0: the host's function CPUs split evenly).
   */
  'cores_per_function': (number);
  /**
   * How long to measure, in milliseconds (after warm-up).
   */
  'duration_ms': (number);
  /**
   * Warm-up before measuring, in milliseconds.
   */
  'warmup_ms': (number);
  /**
   * True: closed loop (throughput per core). False: open loop at rate_rps per function.
   */
  'saturate': (boolean);
  'rate_rps': (number);
  /**
   * Idle interval measured before the functions start (no function running), in milliseconds;
   * 0: no idle measurement (BagResult.idle_power_w is then 0).
   */
  'idle_ms': (number);
  /**
   * Campaign the job belongs to (free text for logs, at most 128 characters).
   */
  'campaign_id': (string);
  /**
   * Open-loop phase after the saturated window (saturate must be true), 0 < u <= 1: each function is
   * then driven open loop (constant arrivals, as the runs' load drivers do) at u x its cores x the
   * executions/s per core it just sustained, warmed up for warmup_ms and measured for duration_ms.
   * 0: no open-loop phase (FunctionProfile.open_loop is then absent).
   */
  'open_loop_utilisation': (number);
  /**
   * Several open-loop phases, one per utilisation, each 0 < u <= 1, strictly increasing: the
   * function's cost at every utilisation listed (FunctionProfile.open_loop_points). When set, it
   * supersedes open_loop_utilisation, which the coordinator sets to the last (highest) entry so that
   * an agent without this field still measures that one point.
   */
  'open_loop_utilisations': (number)[];
}
