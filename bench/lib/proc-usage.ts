// CPU time and memory of one process from /proc, for the benches that measure a daemon apart from
// the load they put on it (the bench process and the daemon share this machine's cores).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Clock ticks per second for /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const CLK_TCK = 100;

/** What /proc/<pid>/stat says of a process's work so far (all its threads). */
export interface ProcStat {
  readonly userS: number;
  readonly systemS: number;
  /** Waited-for children's user + system time. */
  readonly childrenS: number;
  readonly minorFaults: number;
}

export function procStat(pid: number, procRoot = '/proc'): ProcStat {
  const stat = readFileSync(join(procRoot, String(pid), 'stat'), 'utf8');
  // Fields after the ")" closing the command name: fields[0] is field 3 (state), so minflt (10) is
  // fields[7], utime (14), stime (15), cutime (16) and cstime (17) are fields[11..14].
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    userS: Number(f[11]) / CLK_TCK,
    systemS: Number(f[12]) / CLK_TCK,
    childrenS: (Number(f[13]) + Number(f[14])) / CLK_TCK,
    minorFaults: Number(f[7]),
  };
}

/**
 * CPU seconds of a process: utime + stime, plus its waited-for children's cutime + cstime when
 * `withChildren` is set.
 */
export function procCpuS(pid: number, withChildren = false): number {
  const s = procStat(pid);
  return s.userS + s.systemS + (withChildren ? s.childrenS : 0);
}

/** Resident and peak resident memory of a process, MB. */
export function procMemMb(pid: number, procRoot = '/proc'): { rssMb: number; hwmMb: number } {
  const status = readFileSync(join(procRoot, String(pid), 'status'), 'utf8');
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}
