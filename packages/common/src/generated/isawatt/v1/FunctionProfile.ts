// Original file: proto/isawatt/v1/agent_link.proto

import type { Quality as _isawatt_v1_Quality, Quality__Output as _isawatt_v1_Quality__Output } from '../../isawatt/v1/Quality.js';
import type { InvocationStats as _isawatt_v1_InvocationStats, InvocationStats__Output as _isawatt_v1_InvocationStats__Output } from '../../isawatt/v1/InvocationStats.js';
import type { OpenLoopProfile as _isawatt_v1_OpenLoopProfile, OpenLoopProfile__Output as _isawatt_v1_OpenLoopProfile__Output } from '../../isawatt/v1/OpenLoopProfile.js';
import type { Long } from '@grpc/proto-loader';

export interface FunctionProfile {
  'function'?: (string);
  /**
   * Executions completed over the measured window.
   */
  'completed'?: (number | string | Long);
  'errors'?: (number | string | Long);
  /**
   * Executions per second per core over the measured window. Saturated: 1 / mean latency of the
   * completed invocations (Little's law, one request per worker); open loop: completed / window / cores.
   */
  'exec_per_sec_per_core'?: (number | string);
  /**
   * Energy attributed to the function over the window, in microjoules (total, with idle share).
   */
  'energy_uj'?: (number | string | Long);
  /**
   * Energy per execution, in joules: attributed DYNAMIC energy / executions in the window
   * (exec_per_sec_per_core x cores x window; 0 when none completed).
   */
  'energy_per_exec_j'?: (number | string);
  /**
   * Quality of the attributed energy (the weakest over the window).
   */
  'quality'?: (_isawatt_v1_Quality);
  'invocations'?: (_isawatt_v1_InvocationStats | null);
  /**
   * Attributed dynamic energy over the window, in microjoules.
   */
  'dynamic_energy_uj'?: (number | string | Long);
  /**
   * CPUs the function ran on during the bag.
   */
  'cores'?: (number);
  /**
   * CPU time of the function's cgroup over the window, in microseconds.
   */
  'cpu_time_us'?: (number | string | Long);
  /**
   * The open-loop phase's figures (ProfileJob.open_loop_utilisation > 0), else absent. With several
   * phases (ProfileJob.open_loop_utilisations), the last one's: the highest utilisation.
   */
  'open_loop'?: (_isawatt_v1_OpenLoopProfile | null);
  /**
   * Every open-loop phase's figures, in the order measured (ascending utilisation); empty when the
   * job had no open-loop phase.
   */
  'open_loop_points'?: (_isawatt_v1_OpenLoopProfile)[];
}

export interface FunctionProfile__Output {
  'function': (string);
  /**
   * Executions completed over the measured window.
   */
  'completed': (string);
  'errors': (string);
  /**
   * Executions per second per core over the measured window. Saturated: 1 / mean latency of the
   * completed invocations (Little's law, one request per worker); open loop: completed / window / cores.
   */
  'exec_per_sec_per_core': (number);
  /**
   * Energy attributed to the function over the window, in microjoules (total, with idle share).
   */
  'energy_uj': (string);
  /**
   * Energy per execution, in joules: attributed DYNAMIC energy / executions in the window
   * (exec_per_sec_per_core x cores x window; 0 when none completed).
   */
  'energy_per_exec_j': (number);
  /**
   * Quality of the attributed energy (the weakest over the window).
   */
  'quality': (_isawatt_v1_Quality__Output);
  'invocations': (_isawatt_v1_InvocationStats__Output | null);
  /**
   * Attributed dynamic energy over the window, in microjoules.
   */
  'dynamic_energy_uj': (string);
  /**
   * CPUs the function ran on during the bag.
   */
  'cores': (number);
  /**
   * CPU time of the function's cgroup over the window, in microseconds.
   */
  'cpu_time_us': (string);
  /**
   * The open-loop phase's figures (ProfileJob.open_loop_utilisation > 0), else absent. With several
   * phases (ProfileJob.open_loop_utilisations), the last one's: the highest utilisation.
   */
  'open_loop': (_isawatt_v1_OpenLoopProfile__Output | null);
  /**
   * Every open-loop phase's figures, in the order measured (ascending utilisation); empty when the
   * job had no open-loop phase.
   */
  'open_loop_points': (_isawatt_v1_OpenLoopProfile__Output)[];
}
