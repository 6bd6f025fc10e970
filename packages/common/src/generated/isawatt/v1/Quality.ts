// Original file: proto/isawatt/v1/types.proto

/**
 * Where a figure comes from. Every energy or power figure on the wire carries one.
 */
export const Quality = {
  QUALITY_UNSPECIFIED: 'QUALITY_UNSPECIFIED',
  /**
   * Read from a hardware energy or power sensor (RAPL, xgene-hwmon, altra_hwmon, hwmon).
   */
  QUALITY_MEASURED: 'QUALITY_MEASURED',
  /**
   * Derived from a measured figure through a fitted model (SmartWatts attribution).
   */
  QUALITY_MODELLED: 'QUALITY_MODELLED',
  /**
   * Estimated from CPU utilisation and a power profile; no sensor involved.
   */
  QUALITY_ESTIMATED: 'QUALITY_ESTIMATED',
  /**
   * Produced by an emulated host profile (demo, tests): not a real machine.
   */
  QUALITY_EMULATED: 'QUALITY_EMULATED',
} as const;

/**
 * Where a figure comes from. Every energy or power figure on the wire carries one.
 */
export type Quality =
  | 'QUALITY_UNSPECIFIED'
  | 0
  /**
   * Read from a hardware energy or power sensor (RAPL, xgene-hwmon, altra_hwmon, hwmon).
   */
  | 'QUALITY_MEASURED'
  | 1
  /**
   * Derived from a measured figure through a fitted model (SmartWatts attribution).
   */
  | 'QUALITY_MODELLED'
  | 2
  /**
   * Estimated from CPU utilisation and a power profile; no sensor involved.
   */
  | 'QUALITY_ESTIMATED'
  | 3
  /**
   * Produced by an emulated host profile (demo, tests): not a real machine.
   */
  | 'QUALITY_EMULATED'
  | 4

/**
 * Where a figure comes from. Every energy or power figure on the wire carries one.
 */
export type Quality__Output = typeof Quality[keyof typeof Quality]
