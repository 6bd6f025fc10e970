// Original file: proto/isawatt/v1/types.proto

import type { FunctionAssignment as _isawatt_v1_FunctionAssignment, FunctionAssignment__Output as _isawatt_v1_FunctionAssignment__Output } from '../../isawatt/v1/FunctionAssignment.js';
import type { Long } from '@grpc/proto-loader';

/**
 * The full set of functions a host should run. Applying it replaces the previous assignment.
 */
export interface Assignment {
  /**
   * Monotonically increasing per host; an agent ignores an assignment older than the one it runs.
   */
  'version'?: (number | string | Long);
  'functions'?: (_isawatt_v1_FunctionAssignment)[];
  /**
   * Wall-clock time the coordinator issued it, in milliseconds since the Unix epoch.
   */
  'issued_at_ms'?: (number | string | Long);
}

/**
 * The full set of functions a host should run. Applying it replaces the previous assignment.
 */
export interface Assignment__Output {
  /**
   * Monotonically increasing per host; an agent ignores an assignment older than the one it runs.
   */
  'version': (string);
  'functions': (_isawatt_v1_FunctionAssignment__Output)[];
  /**
   * Wall-clock time the coordinator issued it, in milliseconds since the Unix epoch.
   */
  'issued_at_ms': (string);
}
