// Turns one tick's attribution result and activity into the per-function figures of a TickSnapshot.
// Pure; the monitor calls it after `Attributor.attribute` (and the benchmark does the same).
import { type FunctionEnergy, type InvocationFigures, powerW, type Quality } from '@isawatt/common';
import type { ActivitySample } from '../counters/activity-source.js';
import type { AttributionResult } from './attributor.js';

export interface FigureExtras {
  /** Cores assigned per function name (0 when unknown). */
  readonly coresByName?: ReadonlyMap<string, number>;
  readonly invocationsByName?: ReadonlyMap<string, InvocationFigures<number>>;
}

export function toFunctionFigures(
  result: AttributionResult,
  activity: ActivitySample | undefined,
  intervalMs: number,
  extras: FigureExtras = {},
): FunctionEnergy<Quality, number>[] {
  const cpuByName = new Map((activity?.targets ?? []).map((t) => [t.name, t.cpuTimeUs]));
  return result.functions.map((f) => {
    const inv = extras.invocationsByName?.get(f.name);
    return {
      function: f.name,
      dynamicEnergyUj: f.dynamicEnergyUj,
      totalEnergyUj: f.totalEnergyUj,
      powerW: powerW(f.totalEnergyUj, intervalMs),
      cpuTimeUs: cpuByName.get(f.name) ?? 0n,
      cores: extras.coresByName?.get(f.name) ?? 0,
      quality: f.quality,
      ...(inv === undefined ? {} : { invocations: inv }),
    };
  });
}
