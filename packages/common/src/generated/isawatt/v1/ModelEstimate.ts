// Original file: proto/isawatt/v1/control.proto

import type { Quality as _isawatt_v1_Quality, Quality__Output as _isawatt_v1_Quality__Output } from '../../isawatt/v1/Quality.js';
import type { Long } from '@grpc/proto-loader';

/**
 * One (host type, function) as production shows it. Figures are exponentially weighted over the
 * coordinator's time constant, starting from the profiled model when the coordinator has one.
 */
export interface ModelEstimate {
  'host_type'?: (string);
  'function'?: (string);
  /**
   * Completed executions per CPU-second of the function (executions/s per core).
   */
  'exec_per_sec_per_core'?: (number | string);
  /**
   * Attributed energy per completed execution, in joules.
   */
  'energy_per_exec_j'?: (number | string);
  /**
   * Telemetry ticks with completions that fed the estimate.
   */
  'samples'?: (number | string | Long);
  /**
   * Exponentially weighted CPU-seconds observed, in seconds.
   */
  'observed_cpu_s'?: (number | string);
  /**
   * 0..1: weight of the observations against the profiled prior; grows with the CPU-seconds observed.
   */
  'confidence'?: (number | string);
  /**
   * The profiled figures (0 when the coordinator has no model for the pair).
   */
  'profiled_exec_per_sec_per_core'?: (number | string);
  'profiled_energy_per_exec_j'?: (number | string);
  'has_profiled'?: (boolean);
  /**
   * The estimate differs from the profiled figure by more than the drift threshold, with confidence.
   */
  'drift'?: (boolean);
  /**
   * Worst quality of the energy figures that fed it.
   */
  'energy_quality'?: (_isawatt_v1_Quality);
  /**
   * Last telemetry that fed it, ms since the Unix epoch.
   */
  'last_update_ms'?: (number | string | Long);
}

/**
 * One (host type, function) as production shows it. Figures are exponentially weighted over the
 * coordinator's time constant, starting from the profiled model when the coordinator has one.
 */
export interface ModelEstimate__Output {
  'host_type': (string);
  'function': (string);
  /**
   * Completed executions per CPU-second of the function (executions/s per core).
   */
  'exec_per_sec_per_core': (number);
  /**
   * Attributed energy per completed execution, in joules.
   */
  'energy_per_exec_j': (number);
  /**
   * Telemetry ticks with completions that fed the estimate.
   */
  'samples': (string);
  /**
   * Exponentially weighted CPU-seconds observed, in seconds.
   */
  'observed_cpu_s': (number);
  /**
   * 0..1: weight of the observations against the profiled prior; grows with the CPU-seconds observed.
   */
  'confidence': (number);
  /**
   * The profiled figures (0 when the coordinator has no model for the pair).
   */
  'profiled_exec_per_sec_per_core': (number);
  'profiled_energy_per_exec_j': (number);
  'has_profiled': (boolean);
  /**
   * The estimate differs from the profiled figure by more than the drift threshold, with confidence.
   */
  'drift': (boolean);
  /**
   * Worst quality of the energy figures that fed it.
   */
  'energy_quality': (_isawatt_v1_Quality__Output);
  /**
   * Last telemetry that fed it, ms since the Unix epoch.
   */
  'last_update_ms': (string);
}
