// Original file: proto/isawatt/v1/control.proto


export interface CancelProfileRequest {
  /**
   * Every running job of this campaign (empty: only job_ids).
   */
  'campaign_id'?: (string);
  'job_ids'?: (string)[];
  /**
   * How long to wait for the agents' confirmations, in milliseconds (0: 15000).
   */
  'timeout_ms'?: (number);
}

export interface CancelProfileRequest__Output {
  /**
   * Every running job of this campaign (empty: only job_ids).
   */
  'campaign_id': (string);
  'job_ids': (string)[];
  /**
   * How long to wait for the agents' confirmations, in milliseconds (0: 15000).
   */
  'timeout_ms': (number);
}
