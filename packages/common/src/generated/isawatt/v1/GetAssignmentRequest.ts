// Original file: proto/isawatt/v1/control.proto


export interface GetAssignmentRequest {
  'host_id'?: (string);
}

export interface GetAssignmentRequest__Output {
  'host_id': (string);
}
