// The immutable per-tick snapshot the monitor publishes (after Kepler's PowerDataProvider): one
// writer (the monitor), many readers (the coordinator link, /metrics, the `run` command).
import type { EventEmitter } from 'node:events';
import type { Quality } from './quality.js';

export interface InvocationFigures {
  readonly completed: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly dropped: number;
  readonly latencyP50Ms: number;
  readonly latencyP95Ms: number;
  readonly latencyP99Ms: number;
  readonly achievedRps: number;
  /** Mean latency of the completed invocations, ms (the runtime's windows have it; profiling uses it). */
  readonly latencyMeanMs?: number;
}

export interface DomainFigure {
  readonly domain: string;
  readonly socket: number;
  readonly energyUj: bigint;
  readonly powerW: number;
  readonly quality: Quality;
  readonly source: string;
  readonly inHostTotal: boolean;
}

export interface FunctionFigure {
  readonly name: string;
  /** Attributed dynamic energy over the tick, µJ. */
  readonly dynamicEnergyUj: bigint;
  /** Dynamic + share of the static part, µJ. */
  readonly totalEnergyUj: bigint;
  readonly powerW: number;
  readonly cpuTimeUs: bigint;
  readonly cores: number;
  readonly quality: Quality;
  readonly invocations?: InvocationFigures;
}

export interface TickSnapshot {
  /** Per-session tick number, from 1. */
  readonly seq: bigint;
  readonly timestampMs: number;
  readonly intervalMs: number;
  /** Host CPU utilisation over the tick, 0..1, and per logical CPU. */
  readonly cpuUtilization: number;
  readonly cpuUtilizationPerCpu: readonly number[];
  /** Mean frequency of the function CPUs, MHz (0 unknown). */
  readonly cpuFrequencyMhz: number;
  readonly hostEnergyUj: bigint;
  readonly hostPowerW: number;
  readonly hostQuality: Quality;
  readonly energySource: string;
  readonly domains: readonly DomainFigure[];
  /** "smartwatts", "cputime-share", "none". */
  readonly attribution: string;
  /** Median absolute model error over the window, W; -1 when unknown. */
  readonly modelErrorW: number;
  /** Invariant: Σ functions.dynamicEnergyUj + idleEnergyUj === hostEnergyUj. */
  readonly idleEnergyUj: bigint;
  readonly functions: readonly FunctionFigure[];
  readonly assignmentVersion: bigint;
  readonly agentCpuTimeUs: bigint;
  readonly agentRssBytes: number;
}

/** What readers see. `snapshot()` is the latest (undefined before the first tick). */
export interface TelemetrySource extends EventEmitter<{ snapshot: [TickSnapshot] }> {
  snapshot(): TickSnapshot | undefined;
}
