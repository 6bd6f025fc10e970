// Original file: proto/isawatt/v1/control.proto

import type { StoredBagResult as _isawatt_v1_StoredBagResult, StoredBagResult__Output as _isawatt_v1_StoredBagResult__Output } from '../../isawatt/v1/StoredBagResult.js';

export interface ProfileCampaignState {
  'campaign_id'?: (string);
  'results'?: (_isawatt_v1_StoredBagResult)[];
}

export interface ProfileCampaignState__Output {
  'campaign_id': (string);
  'results': (_isawatt_v1_StoredBagResult__Output)[];
}
