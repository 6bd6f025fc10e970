// Original file: proto/isawatt/v1/control.proto

import type { TelemetryReport as _isawatt_v1_TelemetryReport, TelemetryReport__Output as _isawatt_v1_TelemetryReport__Output } from '../../isawatt/v1/TelemetryReport.js';
import type { HostState as _isawatt_v1_HostState, HostState__Output as _isawatt_v1_HostState__Output } from '../../isawatt/v1/HostState.js';

export interface TelemetryEvent {
  'host_id'?: (string);
  'report'?: (_isawatt_v1_TelemetryReport | null);
  'state'?: (_isawatt_v1_HostState);
}

export interface TelemetryEvent__Output {
  'host_id': (string);
  'report': (_isawatt_v1_TelemetryReport__Output | null);
  'state': (_isawatt_v1_HostState__Output);
}
