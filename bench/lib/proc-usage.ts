// CPU time and memory of one process from /proc, for the benches that measure a daemon apart from
// the load they put on it (the bench process and the daemon share this machine's cores).
import { readFileSync } from 'node:fs';

/** Clock ticks per second for /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const CLK_TCK = 100;

/**
 * CPU seconds of a process: utime + stime, plus its waited-for children's cutime + cstime when
 * `withChildren` is set.
 */
export function procCpuS(pid: number, withChildren = false): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the ")" closing the command name: fields[0] is field 3 (state), so utime (14),
  // stime (15), cutime (16) and cstime (17) are fields[11..14].
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = (withChildren ? [11, 12, 13, 14] : [11, 12]).reduce((s, i) => s + Number(fields[i]), 0);
  return ticks / CLK_TCK;
}

/** Resident and peak resident memory of a process, MB. */
export function procMemMb(pid: number): { rssMb: number; hwmMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}
