// CPU time of a function (its cgroups) and of the host, for the `run` command's report. The
// monitor's activity sources do the same per tick; this is the one-shot version, on the same
// readers (hostfs/).
import { readCgroupCpuTimeUs, type CgroupPaths } from '../hostfs/cgroup-cpu-time.js';
import { readProcStat } from '../hostfs/proc-stat.js';

/** CPU time used by a function's cgroup so far, µs; undefined when no accounting cgroup exists. */
export function functionCpuTimeUs(target: CgroupPaths): Promise<bigint | undefined> {
  return readCgroupCpuTimeUs(target);
}

/** Busy CPU time of the whole host so far (user+nice+system+irq+softirq+steal), µs, from /proc/stat. */
export async function hostCpuTimeUs(procRoot: string, clockTicksPerS = 100): Promise<bigint> {
  const stat = await readProcStat(procRoot);
  return (stat.total.busy * 1_000_000n) / BigInt(clockTicksPerS);
}
