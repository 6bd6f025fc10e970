// Original file: proto/isawatt/v1/agent_link.proto


/**
 * Profile a bag of co-located functions on one host.
 */
export interface ProfileJob {
  'job_id'?: (string);
  'functions'?: (string)[];
  /**
   * CPUs given to each function of the bag.
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
}

/**
 * Profile a bag of co-located functions on one host.
 */
export interface ProfileJob__Output {
  'job_id': (string);
  'functions': (string)[];
  /**
   * CPUs given to each function of the bag.
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
}
