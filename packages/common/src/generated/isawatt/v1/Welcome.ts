// Original file: proto/isawatt/v1/agent_link.proto

import type { Assignment as _isawatt_v1_Assignment, Assignment__Output as _isawatt_v1_Assignment__Output } from '../../isawatt/v1/Assignment.js';
import type { Long } from '@grpc/proto-loader';

/**
 * The coordinator's answer to Hello.
 */
export interface Welcome {
  /**
   * Name of the coordinator (its cluster name).
   */
  'cluster'?: (string);
  /**
   * Highest TelemetryReport.seq of this session_id the coordinator has stored; the agent drops
   * buffered reports up to it and sends the rest. 0 when none.
   */
  'last_seq_stored'?: (number | string | Long);
  /**
   * The assignment this host should run, if the coordinator has one for it.
   */
  'assignment'?: (_isawatt_v1_Assignment | null);
  'has_assignment'?: (boolean);
  /**
   * Telemetry interval the coordinator expects, in milliseconds (0: agent's own setting).
   */
  'tick_interval_ms'?: (number);
}

/**
 * The coordinator's answer to Hello.
 */
export interface Welcome__Output {
  /**
   * Name of the coordinator (its cluster name).
   */
  'cluster': (string);
  /**
   * Highest TelemetryReport.seq of this session_id the coordinator has stored; the agent drops
   * buffered reports up to it and sends the rest. 0 when none.
   */
  'last_seq_stored': (string);
  /**
   * The assignment this host should run, if the coordinator has one for it.
   */
  'assignment': (_isawatt_v1_Assignment__Output | null);
  'has_assignment': (boolean);
  /**
   * Telemetry interval the coordinator expects, in milliseconds (0: agent's own setting).
   */
  'tick_interval_ms': (number);
}
