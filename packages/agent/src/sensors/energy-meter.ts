// Contract of every host energy source (RAPL powercap, perf power PMU, xgene-hwmon, altra_hwmon,
// generic hwmon, estimated). One meter instance owns its sysfs files; the monitor calls `sample`
// once per tick from one async context (no concurrent calls).
import type { Quality } from '@isawatt/common';

/** One energy domain a meter provides. */
export interface EnergyDomainInfo {
  /** "package-0", "dram-0", "psys", "core-0", "uncore-0", "cpu-0", "io-0", "core-17", "estimated-cpu". */
  readonly domain: string;
  /** Socket (physical package) it belongs to; 0 when not per socket (psys, estimated). */
  readonly socket: number;
  /**
   * True when this domain counts toward the host total. Overlapping domains (RAPL core/uncore inside
   * package; psys, which covers package; altra per-core energy inside xgene CPU power) are false.
   */
  readonly inHostTotal: boolean;
  /** Counter range for counter sources (wraps after it), in µJ; null for integrated power sources. */
  readonly maxEnergyUj: bigint | null;
  /** The file it is read from (or "model" for estimated). */
  readonly path: string;
}

/** Energy per domain since the previous `sample` call. */
export interface DomainSample {
  readonly domain: string;
  readonly socket: number;
  readonly inHostTotal: boolean;
  /** Energy since the previous sample, in µJ, wrap-corrected (counters) or integrated (power). */
  readonly energyUj: bigint;
  /** Mean power over the interval, in watts. */
  readonly powerW: number;
}

export interface MeterSample {
  /** When the sample was taken, ms since epoch (injected clock). */
  readonly timestampMs: number;
  /** Interval covered since the previous sample, in ms (0 for the first, baseline sample). */
  readonly intervalMs: number;
  readonly domains: readonly DomainSample[];
  /** Non-fatal problems of this sample (a domain unreadable this tick, a wrap seen), one line each. */
  readonly warnings: readonly string[];
}

export interface EnergyMeter {
  /** Source kind: "rapl", "perf-power", "xgene-hwmon", "altra-hwmon", "hwmon", "estimated". */
  readonly kind: string;
  /** "measured" for hardware; "estimated" for the utilisation model; "emulated" on emulated trees. */
  readonly quality: Quality;
  /** Probes the files. Throws SensorUnavailableError (naming file and reason) when unusable. */
  init(): Promise<void>;
  /** Domains found by init (empty before). */
  domains(): readonly EnergyDomainInfo[];
  /**
   * Energy since the previous call. The first call after init is the baseline: intervalMs 0 and
   * zero energies. Never throws for one bad domain: it is skipped and named in `warnings`.
   */
  sample(nowMs: number): Promise<MeterSample>;
  /** Non-fatal findings of init (zones skipped and why, duplicates dropped), one line each. */
  notes?(): readonly string[];
  close?(): Promise<void>;
}
