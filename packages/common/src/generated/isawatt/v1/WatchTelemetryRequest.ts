// Original file: proto/isawatt/v1/control.proto


export interface WatchTelemetryRequest {
  /**
   * Only this host's reports (empty: all hosts).
   */
  'host_id'?: (string);
}

export interface WatchTelemetryRequest__Output {
  /**
   * Only this host's reports (empty: all hosts).
   */
  'host_id': (string);
}
