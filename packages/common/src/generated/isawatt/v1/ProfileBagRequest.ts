// Original file: proto/isawatt/v1/control.proto

import type { ProfileJob as _isawatt_v1_ProfileJob, ProfileJob__Output as _isawatt_v1_ProfileJob__Output } from '../../isawatt/v1/ProfileJob.js';

export interface ProfileBagRequest {
  'host_id'?: (string);
  /**
   * The job to send; job_id and campaign_id are required (at most 128 characters each, letters,
   * digits and . _ - :).
   */
  'job'?: (_isawatt_v1_ProfileJob | null);
  /**
   * Longest wait for the result, in milliseconds (0: idle + warm-up + duration + 60 s).
   */
  'timeout_ms'?: (number);
}

export interface ProfileBagRequest__Output {
  'host_id': (string);
  /**
   * The job to send; job_id and campaign_id are required (at most 128 characters each, letters,
   * digits and . _ - :).
   */
  'job': (_isawatt_v1_ProfileJob__Output | null);
  /**
   * Longest wait for the result, in milliseconds (0: idle + warm-up + duration + 60 s).
   */
  'timeout_ms': (number);
}
