// Original file: proto/isawatt/v1/types.proto

import type { Quality as _isawatt_v1_Quality, Quality__Output as _isawatt_v1_Quality__Output } from '../../isawatt/v1/Quality.js';

/**
 * One energy source the agent found (or tried).
 */
export interface EnergySourceInfo {
  /**
   * Source kind: "rapl", "perf-power", "xgene-hwmon", "altra-hwmon", "hwmon", "estimated", "emulated".
   */
  'kind'?: (string);
  /**
   * Where it reads from (a sysfs path, or "model" for estimated sources).
   */
  'path'?: (string);
  'quality'?: (_isawatt_v1_Quality);
  /**
   * Energy domains this source provides, e.g. "package-0", "dram-0", "cpu-0", "io-0", "psys".
   */
  'domains'?: (string)[];
  /**
   * True when the agent uses this source for its host figure.
   */
  'primary'?: (boolean);
  /**
   * Free text: why it is used, or why it was skipped.
   */
  'detail'?: (string);
}

/**
 * One energy source the agent found (or tried).
 */
export interface EnergySourceInfo__Output {
  /**
   * Source kind: "rapl", "perf-power", "xgene-hwmon", "altra-hwmon", "hwmon", "estimated", "emulated".
   */
  'kind': (string);
  /**
   * Where it reads from (a sysfs path, or "model" for estimated sources).
   */
  'path': (string);
  'quality': (_isawatt_v1_Quality__Output);
  /**
   * Energy domains this source provides, e.g. "package-0", "dram-0", "cpu-0", "io-0", "psys".
   */
  'domains': (string)[];
  /**
   * True when the agent uses this source for its host figure.
   */
  'primary': (boolean);
  /**
   * Free text: why it is used, or why it was skipped.
   */
  'detail': (string);
}
