// Original file: proto/isawatt/v1/control.proto

import type { PduPoint as _isawatt_v1_PduPoint, PduPoint__Output as _isawatt_v1_PduPoint__Output } from '../../isawatt/v1/PduPoint.js';
import type { Long } from '@grpc/proto-loader';

export interface PduSeries {
  'points'?: (_isawatt_v1_PduPoint)[];
  /**
   * Energy over the window integrated from the readings, in joules, and how much of the window the
   * readings cover, in milliseconds (gaps longer than a minute are not bridged).
   */
  'energy_j'?: (number | string);
  'covered_ms'?: (number | string | Long);
}

export interface PduSeries__Output {
  'points': (_isawatt_v1_PduPoint__Output)[];
  /**
   * Energy over the window integrated from the readings, in joules, and how much of the window the
   * readings cover, in milliseconds (gaps longer than a minute are not bridged).
   */
  'energy_j': (number);
  'covered_ms': (string);
}
