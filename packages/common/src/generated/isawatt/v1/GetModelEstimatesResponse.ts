// Original file: proto/isawatt/v1/control.proto

import type { ModelEstimate as _isawatt_v1_ModelEstimate, ModelEstimate__Output as _isawatt_v1_ModelEstimate__Output } from '../../isawatt/v1/ModelEstimate.js';

export interface GetModelEstimatesResponse {
  'estimates'?: (_isawatt_v1_ModelEstimate)[];
  /**
   * Where the profiled prior came from (the coordinator's models file and its `source`), or empty.
   */
  'prior_source'?: (string);
  /**
   * Time constant of the exponential weights, in seconds.
   */
  'tau_s'?: (number | string);
}

export interface GetModelEstimatesResponse__Output {
  'estimates': (_isawatt_v1_ModelEstimate__Output)[];
  /**
   * Where the profiled prior came from (the coordinator's models file and its `source`), or empty.
   */
  'prior_source': (string);
  /**
   * Time constant of the exponential weights, in seconds.
   */
  'tau_s': (number);
}
