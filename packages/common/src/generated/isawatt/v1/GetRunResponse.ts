// Original file: proto/isawatt/v1/control.proto


export interface GetRunResponse {
  /**
   * The stored record as JSON.
   */
  'record_json'?: (string);
}

export interface GetRunResponse__Output {
  /**
   * The stored record as JSON.
   */
  'record_json': (string);
}
