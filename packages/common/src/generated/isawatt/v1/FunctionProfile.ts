// Original file: proto/isawatt/v1/agent_link.proto

import type { Quality as _isawatt_v1_Quality, Quality__Output as _isawatt_v1_Quality__Output } from '../../isawatt/v1/Quality.js';
import type { InvocationStats as _isawatt_v1_InvocationStats, InvocationStats__Output as _isawatt_v1_InvocationStats__Output } from '../../isawatt/v1/InvocationStats.js';
import type { Long } from '@grpc/proto-loader';

export interface FunctionProfile {
  'function'?: (string);
  'completed'?: (number | string | Long);
  'errors'?: (number | string | Long);
  /**
   * Executions per second per core over the measured window.
   */
  'exec_per_sec_per_core'?: (number | string);
  /**
   * Energy attributed to the function over the window, in microjoules (total, with idle share).
   */
  'energy_uj'?: (number | string | Long);
  /**
   * Energy per execution, in joules.
   */
  'energy_per_exec_j'?: (number | string);
  'quality'?: (_isawatt_v1_Quality);
  'invocations'?: (_isawatt_v1_InvocationStats | null);
}

export interface FunctionProfile__Output {
  'function': (string);
  'completed': (string);
  'errors': (string);
  /**
   * Executions per second per core over the measured window.
   */
  'exec_per_sec_per_core': (number);
  /**
   * Energy attributed to the function over the window, in microjoules (total, with idle share).
   */
  'energy_uj': (string);
  /**
   * Energy per execution, in joules.
   */
  'energy_per_exec_j': (number);
  'quality': (_isawatt_v1_Quality__Output);
  'invocations': (_isawatt_v1_InvocationStats__Output | null);
}
