// Original file: proto/isawatt/v1/control.proto

import type { BagResult as _isawatt_v1_BagResult, BagResult__Output as _isawatt_v1_BagResult__Output } from '../../isawatt/v1/BagResult.js';
import type { Long } from '@grpc/proto-loader';

/**
 * One stored result of a campaign.
 */
export interface StoredBagResult {
  'host_id'?: (string);
  'host_type'?: (string);
  'result'?: (_isawatt_v1_BagResult | null);
  /**
   * When the coordinator stored it, milliseconds since the Unix epoch.
   */
  'stored_at_ms'?: (number | string | Long);
}

/**
 * One stored result of a campaign.
 */
export interface StoredBagResult__Output {
  'host_id': (string);
  'host_type': (string);
  'result': (_isawatt_v1_BagResult__Output | null);
  /**
   * When the coordinator stored it, milliseconds since the Unix epoch.
   */
  'stored_at_ms': (string);
}
