// Original file: proto/isawatt/v1/control.proto

import type { Assignment as _isawatt_v1_Assignment, Assignment__Output as _isawatt_v1_Assignment__Output } from '../../isawatt/v1/Assignment.js';
import type { FunctionPlacement as _isawatt_v1_FunctionPlacement, FunctionPlacement__Output as _isawatt_v1_FunctionPlacement__Output } from '../../isawatt/v1/FunctionPlacement.js';
import type { Long } from '@grpc/proto-loader';

export interface HostAssignment {
  'host_id'?: (string);
  'assignment'?: (_isawatt_v1_Assignment | null);
  'acked_version'?: (number | string | Long);
  'placements'?: (_isawatt_v1_FunctionPlacement)[];
}

export interface HostAssignment__Output {
  'host_id': (string);
  'assignment': (_isawatt_v1_Assignment__Output | null);
  'acked_version': (string);
  'placements': (_isawatt_v1_FunctionPlacement__Output)[];
}
