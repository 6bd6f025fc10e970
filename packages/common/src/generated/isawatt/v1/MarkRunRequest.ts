// Original file: proto/isawatt/v1/control.proto

import type { Long } from '@grpc/proto-loader';

export interface MarkRunRequest {
  'run_id'?: (string);
  /**
   * "start" or "stop".
   */
  'phase'?: (string);
  /**
   * Empty when the run is not part of an experiment.
   */
  'experiment_id'?: (string);
  'policy'?: (string);
  /**
   * Workload mix name, or empty for an explicit workload.
   */
  'mix'?: (string);
  /**
   * Start or end of the measured window, milliseconds since the Unix epoch.
   */
  'at_ms'?: (number | string | Long);
}

export interface MarkRunRequest__Output {
  'run_id': (string);
  /**
   * "start" or "stop".
   */
  'phase': (string);
  /**
   * Empty when the run is not part of an experiment.
   */
  'experiment_id': (string);
  'policy': (string);
  /**
   * Workload mix name, or empty for an explicit workload.
   */
  'mix': (string);
  /**
   * Start or end of the measured window, milliseconds since the Unix epoch.
   */
  'at_ms': (string);
}
