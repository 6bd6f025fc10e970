// Original file: proto/isawatt/v1/control.proto

import type { Long } from '@grpc/proto-loader';

export interface GetPduSeriesRequest {
  'host_id'?: (string);
  /**
   * Window, milliseconds since the Unix epoch.
   */
  'from_ms'?: (number | string | Long);
  'to_ms'?: (number | string | Long);
}

export interface GetPduSeriesRequest__Output {
  'host_id': (string);
  /**
   * Window, milliseconds since the Unix epoch.
   */
  'from_ms': (string);
  'to_ms': (string);
}
