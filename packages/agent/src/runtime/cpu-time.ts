// CPU time of a function (its cgroups) and of the host, for the `run` command's report. The
// monitor's activity sources do the same per tick; this is the one-shot version.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ActivityTarget } from '../counters/activity-source.js';

/** CPU time used by a function's cgroup so far, µs; undefined when no accounting cgroup exists. */
export async function functionCpuTimeUs(target: ActivityTarget): Promise<bigint | undefined> {
  const cpuacct = target.cgroupV1Paths?.cpuacct;
  if (cpuacct !== undefined) {
    try {
      const text = (await readFile(join(cpuacct, 'cpuacct.usage'), 'utf8')).trim();
      if (/^\d+$/.test(text)) return BigInt(text) / 1000n; // ns -> µs
    } catch {
      // fall through to cgroup2
    }
  }
  if (target.cgroupV2Path !== undefined) {
    try {
      const text = await readFile(join(target.cgroupV2Path, 'cpu.stat'), 'utf8');
      const m = /^usage_usec (\d+)$/m.exec(text);
      if (m?.[1] !== undefined) return BigInt(m[1]);
    } catch {
      // no cpu.stat: no accounting
    }
  }
  return undefined;
}

/** Busy CPU time of the whole host so far (user+nice+system+irq+softirq+steal), µs, from /proc/stat. */
export async function hostCpuTimeUs(procRoot = '/proc', clockTicksPerS = 100): Promise<bigint> {
  const text = await readFile(join(procRoot, 'stat'), 'utf8');
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (line === undefined) throw new Error(`${join(procRoot, 'stat')}: no "cpu " line`);
  const f = line.trim().split(/\s+/).slice(1).map((x) => BigInt(/^\d+$/.test(x) ? x : '0'));
  const [user = 0n, nice = 0n, system = 0n, , , irq = 0n, softirq = 0n, steal = 0n] = f;
  const ticks = user + nice + system + irq + softirq + steal;
  return (ticks * 1_000_000n) / BigInt(clockTicksPerS);
}
