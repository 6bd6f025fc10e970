// Original file: proto/isawatt/v1/control.proto

import type { Long } from '@grpc/proto-loader';

export interface HealthResponse {
  /**
   * "serving".
   */
  'status'?: (string);
  'version'?: (string);
  'cluster'?: (string);
  /**
   * Coordinator uptime, in milliseconds.
   */
  'uptime_ms'?: (number | string | Long);
  'hosts_up'?: (number);
  'hosts_down'?: (number);
  /**
   * MQTT bridge state: "disabled", "connected", "reconnecting".
   */
  'mqtt'?: (string);
}

export interface HealthResponse__Output {
  /**
   * "serving".
   */
  'status': (string);
  'version': (string);
  'cluster': (string);
  /**
   * Coordinator uptime, in milliseconds.
   */
  'uptime_ms': (string);
  'hosts_up': (number);
  'hosts_down': (number);
  /**
   * MQTT bridge state: "disabled", "connected", "reconnecting".
   */
  'mqtt': (string);
}
