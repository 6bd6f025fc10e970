// Attribution without counters (Kepler's current method): active = ΔE × utilisation, idle = the
// rest; each function gets active × (its CPU time / all busy CPU time on the host). CPU time that
// belongs to no function (other processes) keeps its part of the active energy unattributed, so it
// lands in the idle/unattributed figure rather than inflating the functions.
import type { ActivitySample } from '../counters/activity-source.js';
import { weakerQuality, msToUs } from '@isawatt/common';
import type { AttributionInput, AttributionResult, Attributor } from './attributor.js';
import { conserveSplit } from './conserve.js';

export interface CpuTimeShareOptions {
  /**
   * Logical CPUs on the host, used to turn utilisation into busy CPU time. Default: the size of
   * `input.socketOfCpu`, else 1 (then busy time falls back to the functions' own CPU time).
   */
  readonly cpuCount?: number;
}

/** Pure: the CPU-time share split of one tick. `detail` explains why this method was used. */
export function attributeByCpuTime(
  input: AttributionInput,
  activity: ActivitySample | undefined,
  opts: CpuTimeShareOptions,
  detail: string,
): AttributionResult {
  const host = input.hostEnergyUj > 0n ? input.hostEnergyUj : 0n;
  if (activity === undefined) {
    return { method: 'none', modelErrorW: -1, idleEnergyUj: host, functions: [], detail };
  }
  const cpuCount = opts.cpuCount ?? (input.socketOfCpu.size > 0 ? input.socketOfCpu.size : 1);
  const cpuUs = activity.targets.map((t) => (t.cpuTimeUs > 0n ? Number(t.cpuTimeUs) : 0));
  const fnBusyUs = cpuUs.reduce((a, b) => a + b, 0);
  const intervalUs = msToUs(Math.max(0, input.intervalMs));
  const util = Number.isFinite(input.cpuUtilization) ? Math.min(1, Math.max(0, input.cpuUtilization)) : 0;
  // /proc/stat and cgroup accounting are read at slightly different instants; never let the host's
  // busy time fall below what the functions alone used.
  const hostBusyUs = Math.max(util * cpuCount * intervalUs, fnBusyUs);
  const effUtil = intervalUs > 0 && cpuCount > 0 ? Math.min(1, hostBusyUs / (cpuCount * intervalUs)) : 0;
  const activeUj = BigInt(Math.round(Number(host) * effUtil));
  const staticUj = host - (activeUj > host ? host : activeUj);
  const split = conserveSplit(host, staticUj, cpuUs, hostBusyUs - fnBusyUs);
  const quality = weakerQuality(input.hostQuality, 'estimated');
  return {
    method: 'cputime-share',
    modelErrorW: -1,
    idleEnergyUj: split.idleUj,
    functions: activity.targets.map((t, i) => ({
      name: t.name,
      dynamicEnergyUj: split.dynamicUj[i] ?? 0n,
      totalEnergyUj: split.totalUj[i] ?? 0n,
      quality,
    })),
    detail,
  };
}

/** Attributor that always uses the CPU-time share (hosts whose activity source has no counters). */
export class CpuTimeShareAttributor implements Attributor {
  readonly method = 'cputime-share';
  constructor(private readonly opts: CpuTimeShareOptions = {}) {}

  attribute(input: AttributionInput): AttributionResult {
    return attributeByCpuTime(input, input.activity, this.opts, 'cpu-time share of the active energy (no counters)');
  }
}
