// Original file: proto/isawatt/v1/types.proto


/**
 * What one function should run on one host.
 */
export interface FunctionAssignment {
  'function'?: (string);
  /**
   * Number of CPUs (one single-threaded worker per CPU). 0 removes the function from the host.
   */
  'cores'?: (number);
  /**
   * Open-loop request rate the agent's load driver generates, in requests per second.
   * 0 means: no generated load (invocations arrive over the invoke endpoint only).
   */
  'rate_rps'?: (number | string);
  /**
   * "constant" or "poisson" inter-arrival times for the load driver. Empty means "constant".
   */
  'arrival'?: (string);
}

/**
 * What one function should run on one host.
 */
export interface FunctionAssignment__Output {
  'function': (string);
  /**
   * Number of CPUs (one single-threaded worker per CPU). 0 removes the function from the host.
   */
  'cores': (number);
  /**
   * Open-loop request rate the agent's load driver generates, in requests per second.
   * 0 means: no generated load (invocations arrive over the invoke endpoint only).
   */
  'rate_rps': (number);
  /**
   * "constant" or "poisson" inter-arrival times for the load driver. Empty means "constant".
   */
  'arrival': (string);
}
