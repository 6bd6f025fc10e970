// Contract of attribution: split one tick's measured host energy between the running functions and
// the idle/static part. Implementations: SmartWatts-style per-socket, per-frequency-layer models
// from hardware counters; CPU-time share of the active energy where there are no counters.
import type { ActivitySample } from '../counters/activity-source.js';
import type { DomainSample } from '../sensors/energy-meter.js';
import type { Quality } from '@isawatt/common';

export interface AttributionInput {
  readonly timestampMs: number;
  readonly intervalMs: number;
  /** Host energy over the tick (Σ domains with inHostTotal), µJ. */
  readonly hostEnergyUj: bigint;
  readonly hostQuality: Quality;
  /** All domains of the tick (per socket), for per-socket models. */
  readonly domains: readonly DomainSample[];
  /** Activity of the running functions over the tick (undefined when no source is available). */
  readonly activity: ActivitySample | undefined;
  /** Host CPU utilisation over the tick, 0..1 (from /proc/stat). */
  readonly cpuUtilization: number;
  /** Mean frequency per socket over the tick, MHz (missing socket: unknown). */
  readonly frequencyMhzBySocket: ReadonlyMap<number, number>;
  /** Socket of each logical CPU (to map pinned CPUs to sockets). */
  readonly socketOfCpu: ReadonlyMap<number, number>;
}

export interface FunctionAttribution {
  readonly name: string;
  readonly dynamicEnergyUj: bigint;
  readonly totalEnergyUj: bigint;
  readonly quality: Quality;
}

export interface AttributionResult {
  /** "smartwatts", "cputime-share", "none". */
  readonly method: string;
  /** Current model error (median absolute error over the window), W; -1 when unknown. */
  readonly modelErrorW: number;
  /** Invariant: Σ functions.dynamicEnergyUj + idleEnergyUj === input.hostEnergyUj. */
  readonly idleEnergyUj: bigint;
  readonly functions: readonly FunctionAttribution[];
  /**
   * Why this method was used this tick, in words (e.g. "socket 0 layer 2900 MHz: 4/10 samples, using
   * CPU-time share"). Optional: added for /metrics, logs and `isawatt watch`.
   */
  readonly detail?: string;
}

export interface Attributor {
  readonly method: string;
  attribute(input: AttributionInput): AttributionResult;
}
