// Sums the monitor's telemetry ticks over one phase of a profile job (idle or measurement): only
// whole ticks that started at or after the phase began count, until their intervals cover the
// phase's length. Completions and attributed energy then come from the same ticks, so energy per
// execution divides figures of exactly the same window.
import { weakerQuality, type Quality } from '@isawatt/common';
import type { TelemetrySource, TickSnapshot } from '../telemetry/snapshot.js';

export interface FunctionWindow {
  completed: number;
  errors: number;
  timeouts: number;
  dropped: number;
  dynamicEnergyUj: bigint;
  totalEnergyUj: bigint;
  cpuTimeUs: bigint;
  quality: Quality | undefined;
  /** Completion-weighted sums of the ticks' latency percentiles (ms × completions). */
  p50Sum: number;
  p95Sum: number;
  p99Sum: number;
  /** Σ mean latency x completions over the ticks (ms x completions); NaN once a tick lacks the mean. */
  latencySum: number;
  /**
   * Earliest start of a completed invocation and last completion over the ticks (agent's monotonic
   * clock, ms); undefined before one.
   */
  firstStartMs: number | undefined;
  lastCompletionMs: number | undefined;
  /** Completions of the ticks that said when they completed (the span counts only those). */
  spanCompleted: number;
}

export interface WindowTotals {
  ticks: number;
  intervalMs: number;
  hostEnergyUj: bigint;
  idleEnergyUj: bigint;
  hostQuality: Quality | undefined;
  energySource: string;
  attributionMethods: Set<string>;
  modelErrorW: number;
  functions: Map<string, FunctionWindow>;
}

export class PhaseAbortedError extends Error {
  override readonly name = 'PhaseAbortedError';
}

function emptyFunction(): FunctionWindow {
  return {
    completed: 0,
    errors: 0,
    timeouts: 0,
    dropped: 0,
    dynamicEnergyUj: 0n,
    totalEnergyUj: 0n,
    cpuTimeUs: 0n,
    quality: undefined,
    p50Sum: 0,
    p95Sum: 0,
    p99Sum: 0,
    latencySum: 0,
    firstStartMs: undefined,
    lastCompletionMs: undefined,
    spanCompleted: 0,
  };
}

export function addTick(w: WindowTotals, s: TickSnapshot): void {
  w.ticks++;
  w.intervalMs += s.intervalMs;
  w.hostEnergyUj += s.hostEnergyUj;
  w.idleEnergyUj += s.idleEnergyUj;
  w.hostQuality = w.hostQuality === undefined ? s.hostQuality : weakerQuality(w.hostQuality, s.hostQuality);
  w.energySource = s.energySource;
  w.attributionMethods.add(s.attribution);
  w.modelErrorW = s.modelErrorW;
  for (const f of s.functions) {
    const fw = w.functions.get(f.function) ?? emptyFunction();
    const inv = f.invocations;
    if (inv) {
      fw.completed += inv.completed;
      fw.errors += inv.errors;
      fw.timeouts += inv.timeouts;
      fw.dropped += inv.dropped;
      fw.p50Sum += inv.latencyP50Ms * inv.completed;
      fw.p95Sum += inv.latencyP95Ms * inv.completed;
      fw.p99Sum += inv.latencyP99Ms * inv.completed;
      if (inv.completed > 0) fw.latencySum += (inv.latencyMeanMs ?? Number.NaN) * inv.completed;
      if (inv.completed > 0 && inv.firstStartMs !== undefined && inv.lastCompletionMs !== undefined) {
        fw.spanCompleted += inv.completed;
        fw.firstStartMs = Math.min(fw.firstStartMs ?? Infinity, inv.firstStartMs);
        fw.lastCompletionMs = Math.max(fw.lastCompletionMs ?? -Infinity, inv.lastCompletionMs);
      }
    }
    fw.dynamicEnergyUj += f.dynamicEnergyUj;
    fw.totalEnergyUj += f.totalEnergyUj;
    fw.cpuTimeUs += f.cpuTimeUs;
    fw.quality = fw.quality === undefined ? f.quality : weakerQuality(fw.quality, f.quality);
    w.functions.set(f.function, fw);
  }
}

export function emptyWindow(): WindowTotals {
  return {
    ticks: 0,
    intervalMs: 0,
    hostEnergyUj: 0n,
    idleEnergyUj: 0n,
    hostQuality: undefined,
    energySource: '',
    attributionMethods: new Set(),
    modelErrorW: -1,
    functions: new Map(),
  };
}

/**
 * No tick for this long and the monitor is taken for stopped, ms. Above the monitor's longest
 * hold (it holds ticks without hwpc counts up to 8 s, telemetry/monitor.ts) with room for a
 * monitor that a loaded machine delays while a bag's workers start.
 */
export const DEFAULT_STALL_MS = 20_000;

/**
 * Collects ticks that start at or after `fromMs` (wall clock) until they cover `durationMs`.
 * Rejects with PhaseAbortedError on abort, and with an Error when no tick arrives for
 * `stallMs` (the monitor stopped).
 */
export function collectWindow(
  source: TelemetrySource,
  fromMs: number,
  durationMs: number,
  signal: AbortSignal,
  stallMs = DEFAULT_STALL_MS,
): Promise<WindowTotals> {
  const w = emptyWindow();
  return new Promise((resolve, reject) => {
    let stall: NodeJS.Timeout;
    const armStall = (): void => {
      clearTimeout(stall);
      stall = setTimeout(() => finish(new Error(`no telemetry tick for ${stallMs} ms; the agent's monitor is not ticking`)), stallMs);
    };
    const finish = (err?: Error): void => {
      clearTimeout(stall);
      source.off('snapshot', onSnapshot);
      signal.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(w);
    };
    const onSnapshot = (s: TickSnapshot): void => {
      armStall();
      // A tick that began before the phase covers time of the previous phase: skip it.
      if (s.timestampMs - s.intervalMs < fromMs - 5) return;
      addTick(w, s);
      if (w.intervalMs >= durationMs) finish();
    };
    const onAbort = (): void => finish(new PhaseAbortedError('cancelled'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    source.on('snapshot', onSnapshot);
    armStall();
  });
}
