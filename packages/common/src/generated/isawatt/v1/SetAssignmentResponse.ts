// Original file: proto/isawatt/v1/control.proto

import type { AssignmentAck as _isawatt_v1_AssignmentAck, AssignmentAck__Output as _isawatt_v1_AssignmentAck__Output } from '../../isawatt/v1/AssignmentAck.js';

export interface SetAssignmentResponse {
  'ack'?: (_isawatt_v1_AssignmentAck | null);
}

export interface SetAssignmentResponse__Output {
  'ack': (_isawatt_v1_AssignmentAck__Output | null);
}
