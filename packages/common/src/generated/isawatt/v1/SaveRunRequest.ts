// Original file: proto/isawatt/v1/control.proto


export interface SaveRunRequest {
  /**
   * The run record as JSON (schema: docs/file-formats.md "Run records"); at most 32 MiB.
   */
  'record_json'?: (string);
}

export interface SaveRunRequest__Output {
  /**
   * The run record as JSON (schema: docs/file-formats.md "Run records"); at most 32 MiB.
   */
  'record_json': (string);
}
