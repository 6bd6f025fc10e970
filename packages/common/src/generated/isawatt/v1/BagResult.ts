// Original file: proto/isawatt/v1/agent_link.proto

import type { FunctionProfile as _isawatt_v1_FunctionProfile, FunctionProfile__Output as _isawatt_v1_FunctionProfile__Output } from '../../isawatt/v1/FunctionProfile.js';
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
   * Measured window length, in milliseconds.
   */
  'duration_ms'?: (number);
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
   * Measured window length, in milliseconds.
   */
  'duration_ms': (number);
}
