// Original file: proto/isawatt/v1/agent_link.proto

import type { InvocationStats as _isawatt_v1_InvocationStats, InvocationStats__Output as _isawatt_v1_InvocationStats__Output } from '../../isawatt/v1/InvocationStats.js';
import type { Quality as _isawatt_v1_Quality, Quality__Output as _isawatt_v1_Quality__Output } from '../../isawatt/v1/Quality.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Energy and activity of one function over one tick.
 */
export interface FunctionEnergy {
  'function'?: (string);
  /**
   * Attributed dynamic energy over the tick, in microjoules.
   */
  'dynamic_energy_uj'?: (number | string | Long);
  /**
   * Dynamic plus this function's share of the static/idle energy, in microjoules.
   */
  'total_energy_uj'?: (number | string | Long);
  /**
   * Mean attributed power (total) over the tick, in watts.
   */
  'power_w'?: (number | string);
  /**
   * CPU time the function's cgroup used over the tick, in microseconds.
   */
  'cpu_time_us'?: (number | string | Long);
  /**
   * CPUs the function runs on right now.
   */
  'cores'?: (number);
  'invocations'?: (_isawatt_v1_InvocationStats | null);
  'quality'?: (_isawatt_v1_Quality);
}

/**
 * Energy and activity of one function over one tick.
 */
export interface FunctionEnergy__Output {
  'function': (string);
  /**
   * Attributed dynamic energy over the tick, in microjoules.
   */
  'dynamic_energy_uj': (string);
  /**
   * Dynamic plus this function's share of the static/idle energy, in microjoules.
   */
  'total_energy_uj': (string);
  /**
   * Mean attributed power (total) over the tick, in watts.
   */
  'power_w': (number);
  /**
   * CPU time the function's cgroup used over the tick, in microseconds.
   */
  'cpu_time_us': (string);
  /**
   * CPUs the function runs on right now.
   */
  'cores': (number);
  'invocations': (_isawatt_v1_InvocationStats__Output | null);
  'quality': (_isawatt_v1_Quality__Output);
}
