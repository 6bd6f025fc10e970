// Original file: proto/isawatt/v1/types.proto


/**
 * The concrete CPUs one function got on a host.
 */
export interface FunctionPlacement {
  'function'?: (string);
  /**
   * Logical CPU ids (as in /sys/devices/system/cpu/cpuN).
   */
  'cpus'?: (number)[];
  /**
   * Process ids of the function's workers, one per CPU, same order as cpus.
   */
  'worker_pids'?: (number)[];
}

/**
 * The concrete CPUs one function got on a host.
 */
export interface FunctionPlacement__Output {
  'function': (string);
  /**
   * Logical CPU ids (as in /sys/devices/system/cpu/cpuN).
   */
  'cpus': (number)[];
  /**
   * Process ids of the function's workers, one per CPU, same order as cpus.
   */
  'worker_pids': (number)[];
}
