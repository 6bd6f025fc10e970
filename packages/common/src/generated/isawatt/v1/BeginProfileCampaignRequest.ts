// Original file: proto/isawatt/v1/control.proto


export interface BeginProfileCampaignRequest {
  /**
   * Campaign id (at most 128 characters, letters, digits and . _ - :).
   */
  'campaign_id'?: (string);
  'resume'?: (boolean);
}

export interface BeginProfileCampaignRequest__Output {
  /**
   * Campaign id (at most 128 characters, letters, digits and . _ - :).
   */
  'campaign_id': (string);
  'resume': (boolean);
}
