// Original file: proto/isawatt/v1/agent_link.proto

import type { FunctionProfile as _isawatt_v1_FunctionProfile, FunctionProfile__Output as _isawatt_v1_FunctionProfile__Output } from '../../isawatt/v1/FunctionProfile.js';
import type { Quality as _isawatt_v1_Quality, Quality__Output as _isawatt_v1_Quality__Output } from '../../isawatt/v1/Quality.js';
import type { Long } from '@grpc/proto-loader';

export interface BagResult {
  'job_id'?: (string);
  'ok'?: (boolean);
  'error'?: (string);
  'functions'?: (_isawatt_v1_FunctionProfile)[];
  /**
   * Host energy over the window, in microjoules, and its mean power in watts.
   */
  'host_energy_uj'?: (number | string | Long);
  'host_power_w'?: (number | string);
  /**
   * Measured window length, in milliseconds (whole telemetry ticks).
   */
  'duration_ms'?: (number);
  /**
   * True when the job was stopped by a ProfileCancel or by the agent shutting down.
   */
  'cancelled'?: (boolean);
  /**
   * Mean host power over the idle interval, in watts (0 when ProfileJob.idle_ms was 0).
   */
  'idle_power_w'?: (number | string);
  /**
   * Length of the idle interval actually measured, in milliseconds.
   */
  'idle_duration_ms'?: (number);
  /**
   * Quality and source of the host energy figure (QUALITY_EMULATED on an emulated host).
   */
  'host_quality'?: (_isawatt_v1_Quality);
  'energy_source'?: (string);
  /**
   * Attribution method over the window ("smartwatts", "cputime-share", "none"; "mixed" when it changed).
   */
  'attribution'?: (string);
  /**
   * Attribution model error at the end of the window, in watts (-1 unknown).
   */
  'model_error_w'?: (number | string);
  /**
   * Part of the host energy attributed to no function as dynamic energy over the window, in microjoules.
   */
  'idle_energy_uj'?: (number | string | Long);
  /**
   * Telemetry ticks the window covers.
   */
  'ticks'?: (number);
}

export interface BagResult__Output {
  'job_id': (string);
  'ok': (boolean);
  'error': (string);
  'functions': (_isawatt_v1_FunctionProfile__Output)[];
  /**
   * Host energy over the window, in microjoules, and its mean power in watts.
   */
  'host_energy_uj': (string);
  'host_power_w': (number);
  /**
   * Measured window length, in milliseconds (whole telemetry ticks).
   */
  'duration_ms': (number);
  /**
   * True when the job was stopped by a ProfileCancel or by the agent shutting down.
   */
  'cancelled': (boolean);
  /**
   * Mean host power over the idle interval, in watts (0 when ProfileJob.idle_ms was 0).
   */
  'idle_power_w': (number);
  /**
   * Length of the idle interval actually measured, in milliseconds.
   */
  'idle_duration_ms': (number);
  /**
   * Quality and source of the host energy figure (QUALITY_EMULATED on an emulated host).
   */
  'host_quality': (_isawatt_v1_Quality__Output);
  'energy_source': (string);
  /**
   * Attribution method over the window ("smartwatts", "cputime-share", "none"; "mixed" when it changed).
   */
  'attribution': (string);
  /**
   * Attribution model error at the end of the window, in watts (-1 unknown).
   */
  'model_error_w': (number);
  /**
   * Part of the host energy attributed to no function as dynamic energy over the window, in microjoules.
   */
  'idle_energy_uj': (string);
  /**
   * Telemetry ticks the window covers.
   */
  'ticks': (number);
}
