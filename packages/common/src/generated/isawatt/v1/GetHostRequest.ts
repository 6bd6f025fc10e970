// Original file: proto/isawatt/v1/control.proto


export interface GetHostRequest {
  'host_id'?: (string);
}

export interface GetHostRequest__Output {
  'host_id': (string);
}
