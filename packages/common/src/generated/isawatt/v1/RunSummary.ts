// Original file: proto/isawatt/v1/control.proto


/**
 * What `isawatt runs` lists: the headline figures of one record.
 */
export interface RunSummary {
  'run_id'?: (string);
  /**
   * "measured" or "simulated".
   */
  'kind'?: (string);
  'experiment_id'?: (string);
  /**
   * ISO 8601.
   */
  'started_at'?: (string);
  'mix'?: (string);
  'policy'?: (string);
  'repeat'?: (number);
  'duration_s'?: (number | string);
  'met_rates'?: (boolean);
  /**
   * Measured (or simulated) energy over the window, in joules, and its quality label.
   */
  'energy_j'?: (number | string);
  'energy_quality'?: (string);
  'predicted_energy_j'?: (number | string);
}

/**
 * What `isawatt runs` lists: the headline figures of one record.
 */
export interface RunSummary__Output {
  'run_id': (string);
  /**
   * "measured" or "simulated".
   */
  'kind': (string);
  'experiment_id': (string);
  /**
   * ISO 8601.
   */
  'started_at': (string);
  'mix': (string);
  'policy': (string);
  'repeat': (number);
  'duration_s': (number);
  'met_rates': (boolean);
  /**
   * Measured (or simulated) energy over the window, in joules, and its quality label.
   */
  'energy_j': (number);
  'energy_quality': (string);
  'predicted_energy_j': (number);
}
