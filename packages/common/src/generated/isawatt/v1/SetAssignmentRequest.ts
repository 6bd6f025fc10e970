// Original file: proto/isawatt/v1/control.proto

import type { FunctionAssignment as _isawatt_v1_FunctionAssignment, FunctionAssignment__Output as _isawatt_v1_FunctionAssignment__Output } from '../../isawatt/v1/FunctionAssignment.js';

export interface SetAssignmentRequest {
  'host_id'?: (string);
  /**
   * Version is chosen by the coordinator; the one given here is ignored.
   */
  'functions'?: (_isawatt_v1_FunctionAssignment)[];
  /**
   * How long to wait for the agent's ack, in milliseconds (0: 10000).
   */
  'ack_timeout_ms'?: (number);
}

export interface SetAssignmentRequest__Output {
  'host_id': (string);
  /**
   * Version is chosen by the coordinator; the one given here is ignored.
   */
  'functions': (_isawatt_v1_FunctionAssignment__Output)[];
  /**
   * How long to wait for the agent's ack, in milliseconds (0: 10000).
   */
  'ack_timeout_ms': (number);
}
