// Original file: proto/isawatt/v1/control.proto

import type { HostState as _isawatt_v1_HostState, HostState__Output as _isawatt_v1_HostState__Output } from '../../isawatt/v1/HostState.js';
import type { Hello as _isawatt_v1_Hello, Hello__Output as _isawatt_v1_Hello__Output } from '../../isawatt/v1/Hello.js';
import type { TelemetryReport as _isawatt_v1_TelemetryReport, TelemetryReport__Output as _isawatt_v1_TelemetryReport__Output } from '../../isawatt/v1/TelemetryReport.js';
import type { Assignment as _isawatt_v1_Assignment, Assignment__Output as _isawatt_v1_Assignment__Output } from '../../isawatt/v1/Assignment.js';
import type { FunctionPlacement as _isawatt_v1_FunctionPlacement, FunctionPlacement__Output as _isawatt_v1_FunctionPlacement__Output } from '../../isawatt/v1/FunctionPlacement.js';
import type { Long } from '@grpc/proto-loader';

/**
 * The coordinator's view of one host.
 */
export interface Host {
  'host_id'?: (string);
  'state'?: (_isawatt_v1_HostState);
  /**
   * The last Hello the host sent.
   */
  'hello'?: (_isawatt_v1_Hello | null);
  /**
   * When the host first registered / was last heard from, ms since the Unix epoch.
   */
  'registered_at_ms'?: (number | string | Long);
  'last_seen_ms'?: (number | string | Long);
  /**
   * When the host changed state last, ms since the Unix epoch.
   */
  'state_since_ms'?: (number | string | Long);
  /**
   * The last telemetry report received (absent before the first).
   */
  'last_report'?: (_isawatt_v1_TelemetryReport | null);
  'has_last_report'?: (boolean);
  /**
   * Reports stored for this host since the coordinator started (deduplicated).
   */
  'reports_received'?: (number | string | Long);
  /**
   * Reports received twice (after a reconnect) and dropped.
   */
  'reports_duplicate'?: (number | string | Long);
  /**
   * Current assignment and the version the agent acknowledged (0: none).
   */
  'assignment'?: (_isawatt_v1_Assignment | null);
  'acked_assignment_version'?: (number | string | Long);
  'placements'?: (_isawatt_v1_FunctionPlacement)[];
  /**
   * Wall power reported by the lab's PDU for this host (MQTT), in watts; absent when none.
   */
  'pdu_power_w'?: (number | string);
  'has_pdu_power'?: (boolean);
  /**
   * When that PDU reading was taken, ms since the Unix epoch.
   */
  'pdu_timestamp_ms'?: (number | string | Long);
  /**
   * Address the agent connects from (ip:port).
   */
  'peer'?: (string);
  /**
   * Client certificate common name when mTLS is on (empty otherwise).
   */
  'peer_cert_cn'?: (string);
}

/**
 * The coordinator's view of one host.
 */
export interface Host__Output {
  'host_id': (string);
  'state': (_isawatt_v1_HostState__Output);
  /**
   * The last Hello the host sent.
   */
  'hello': (_isawatt_v1_Hello__Output | null);
  /**
   * When the host first registered / was last heard from, ms since the Unix epoch.
   */
  'registered_at_ms': (string);
  'last_seen_ms': (string);
  /**
   * When the host changed state last, ms since the Unix epoch.
   */
  'state_since_ms': (string);
  /**
   * The last telemetry report received (absent before the first).
   */
  'last_report': (_isawatt_v1_TelemetryReport__Output | null);
  'has_last_report': (boolean);
  /**
   * Reports stored for this host since the coordinator started (deduplicated).
   */
  'reports_received': (string);
  /**
   * Reports received twice (after a reconnect) and dropped.
   */
  'reports_duplicate': (string);
  /**
   * Current assignment and the version the agent acknowledged (0: none).
   */
  'assignment': (_isawatt_v1_Assignment__Output | null);
  'acked_assignment_version': (string);
  'placements': (_isawatt_v1_FunctionPlacement__Output)[];
  /**
   * Wall power reported by the lab's PDU for this host (MQTT), in watts; absent when none.
   */
  'pdu_power_w': (number);
  'has_pdu_power': (boolean);
  /**
   * When that PDU reading was taken, ms since the Unix epoch.
   */
  'pdu_timestamp_ms': (string);
  /**
   * Address the agent connects from (ip:port).
   */
  'peer': (string);
  /**
   * Client certificate common name when mTLS is on (empty otherwise).
   */
  'peer_cert_cn': (string);
}
