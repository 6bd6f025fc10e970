// Original file: proto/isawatt/v1/control.proto


export interface SaveRunResponse {
  'run_id'?: (string);
}

export interface SaveRunResponse__Output {
  'run_id': (string);
}
