// Original file: proto/isawatt/v1/agent_link.proto

import type { Long } from '@grpc/proto-loader';

/**
 * What a function cost in the open-loop phase of a profile job (below saturation).
 */
export interface OpenLoopProfile {
  /**
   * Offered rate / (cores x the saturated exec_per_sec_per_core): the utilisation asked for.
   */
  'utilisation'?: (number | string);
  /**
   * Requests/s offered and completed over the measured window.
   */
  'offered_rps'?: (number | string);
  'achieved_rps'?: (number | string);
  'completed'?: (number | string | Long);
  'dropped'?: (number | string | Long);
  /**
   * CPU time of the function's cgroup (or its emulated cores) over the window, in microseconds.
   */
  'cpu_time_us'?: (number | string | Long);
  /**
   * Executions per busy core-second (completed / CPU seconds): 1 / CPU cost of one execution.
   */
  'exec_per_sec_per_core'?: (number | string);
  /**
   * Attributed dynamic energy over the window (microjoules) and per completed execution (joules).
   */
  'dynamic_energy_uj'?: (number | string | Long);
  'energy_per_exec_j'?: (number | string);
  /**
   * Share of the function's cores busy over the window.
   */
  'busy_fraction'?: (number | string);
  'duration_ms'?: (number);
}

/**
 * What a function cost in the open-loop phase of a profile job (below saturation).
 */
export interface OpenLoopProfile__Output {
  /**
   * Offered rate / (cores x the saturated exec_per_sec_per_core): the utilisation asked for.
   */
  'utilisation': (number);
  /**
   * Requests/s offered and completed over the measured window.
   */
  'offered_rps': (number);
  'achieved_rps': (number);
  'completed': (string);
  'dropped': (string);
  /**
   * CPU time of the function's cgroup (or its emulated cores) over the window, in microseconds.
   */
  'cpu_time_us': (string);
  /**
   * Executions per busy core-second (completed / CPU seconds): 1 / CPU cost of one execution.
   */
  'exec_per_sec_per_core': (number);
  /**
   * Attributed dynamic energy over the window (microjoules) and per completed execution (joules).
   */
  'dynamic_energy_uj': (string);
  'energy_per_exec_j': (number);
  /**
   * Share of the function's cores busy over the window.
   */
  'busy_fraction': (number);
  'duration_ms': (number);
}
