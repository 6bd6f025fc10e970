// Original file: proto/isawatt/v1/control.proto

import type { Long } from '@grpc/proto-loader';

export interface PduPoint {
  'timestamp_ms'?: (number | string | Long);
  'power_w'?: (number | string);
  'outlet'?: (string);
}

export interface PduPoint__Output {
  'timestamp_ms': (string);
  'power_w': (number);
  'outlet': (string);
}
