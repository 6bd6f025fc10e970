// Original file: proto/isawatt/v1/control.proto


export interface GetRunRequest {
  'run_id'?: (string);
}

export interface GetRunRequest__Output {
  'run_id': (string);
}
