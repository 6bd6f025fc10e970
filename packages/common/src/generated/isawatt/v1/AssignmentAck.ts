// Original file: proto/isawatt/v1/agent_link.proto

import type { FunctionPlacement as _isawatt_v1_FunctionPlacement, FunctionPlacement__Output as _isawatt_v1_FunctionPlacement__Output } from '../../isawatt/v1/FunctionPlacement.js';
import type { Long } from '@grpc/proto-loader';

/**
 * The agent's answer to an Assignment.
 */
export interface AssignmentAck {
  'version'?: (number | string | Long);
  'ok'?: (boolean);
  /**
   * Precise reason when not ok, e.g. "unknown function \"foo\"", "not enough cores: 12 asked, 8 free".
   */
  'error'?: (string);
  /**
   * Machine-readable error code when not ok: "unknown-function", "runtime-missing",
   * "not-enough-cores", "invalid", "internal".
   */
  'error_code'?: (string);
  'placements'?: (_isawatt_v1_FunctionPlacement)[];
}

/**
 * The agent's answer to an Assignment.
 */
export interface AssignmentAck__Output {
  'version': (string);
  'ok': (boolean);
  /**
   * Precise reason when not ok, e.g. "unknown function \"foo\"", "not enough cores: 12 asked, 8 free".
   */
  'error': (string);
  /**
   * Machine-readable error code when not ok: "unknown-function", "runtime-missing",
   * "not-enough-cores", "invalid", "internal".
   */
  'error_code': (string);
  'placements': (_isawatt_v1_FunctionPlacement__Output)[];
}
