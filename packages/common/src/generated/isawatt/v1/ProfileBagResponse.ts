// Original file: proto/isawatt/v1/control.proto

import type { BagResult as _isawatt_v1_BagResult, BagResult__Output as _isawatt_v1_BagResult__Output } from '../../isawatt/v1/BagResult.js';

export interface ProfileBagResponse {
  'host_id'?: (string);
  /**
   * Host type and arch of the host when it ran the job (from its Hello).
   */
  'host_type'?: (string);
  'result'?: (_isawatt_v1_BagResult | null);
}

export interface ProfileBagResponse__Output {
  'host_id': (string);
  /**
   * Host type and arch of the host when it ran the job (from its Hello).
   */
  'host_type': (string);
  'result': (_isawatt_v1_BagResult__Output | null);
}
