// Original file: proto/isawatt/v1/control.proto

import type { SetAssignmentRequest as _isawatt_v1_SetAssignmentRequest, SetAssignmentRequest__Output as _isawatt_v1_SetAssignmentRequest__Output } from '../../isawatt/v1/SetAssignmentRequest.js';

export interface DeployRequest {
  'hosts'?: (_isawatt_v1_SetAssignmentRequest)[];
  'ack_timeout_ms'?: (number);
  /**
   * Free text stored with the deployment (policy name, workload file).
   */
  'label'?: (string);
}

export interface DeployRequest__Output {
  'hosts': (_isawatt_v1_SetAssignmentRequest__Output)[];
  'ack_timeout_ms': (number);
  /**
   * Free text stored with the deployment (policy name, workload file).
   */
  'label': (string);
}
