// Original file: proto/isawatt/v1/agent_link.proto

import type { Hello as _isawatt_v1_Hello, Hello__Output as _isawatt_v1_Hello__Output } from '../../isawatt/v1/Hello.js';
import type { TelemetryReport as _isawatt_v1_TelemetryReport, TelemetryReport__Output as _isawatt_v1_TelemetryReport__Output } from '../../isawatt/v1/TelemetryReport.js';
import type { AssignmentAck as _isawatt_v1_AssignmentAck, AssignmentAck__Output as _isawatt_v1_AssignmentAck__Output } from '../../isawatt/v1/AssignmentAck.js';
import type { BagResult as _isawatt_v1_BagResult, BagResult__Output as _isawatt_v1_BagResult__Output } from '../../isawatt/v1/BagResult.js';

export interface AgentMessage {
  'hello'?: (_isawatt_v1_Hello | null);
  'telemetry'?: (_isawatt_v1_TelemetryReport | null);
  'assignment_ack'?: (_isawatt_v1_AssignmentAck | null);
  'bag_result'?: (_isawatt_v1_BagResult | null);
  'body'?: "hello"|"telemetry"|"assignment_ack"|"bag_result";
}

export interface AgentMessage__Output {
  'hello'?: (_isawatt_v1_Hello__Output | null);
  'telemetry'?: (_isawatt_v1_TelemetryReport__Output | null);
  'assignment_ack'?: (_isawatt_v1_AssignmentAck__Output | null);
  'bag_result'?: (_isawatt_v1_BagResult__Output | null);
  'body'?: "hello"|"telemetry"|"assignment_ack"|"bag_result";
}
