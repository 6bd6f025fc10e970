// Original file: proto/isawatt/v1/control.proto


export interface ListRunsRequest {
  /**
   * Only the runs of this experiment (empty: every run).
   */
  'experiment_id'?: (string);
}

export interface ListRunsRequest__Output {
  /**
   * Only the runs of this experiment (empty: every run).
   */
  'experiment_id': (string);
}
