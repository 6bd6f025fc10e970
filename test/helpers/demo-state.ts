// What the demo leaves on the machine, for the tests that stop it: its agents' cgroups, the
// workers in them, the processes that mention its directory or address; and why such a test is
// skipped (the agents need root and the cgroup v1 cpuset controller).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from './processes.js';

export const demoSkip: string | false =
  process.getuid?.() !== 0
    ? 'needs root (the agents run workers in cgroups)'
    : !existsSync('/sys/fs/cgroup/cpuset')
      ? 'needs the cgroup v1 cpuset controller'
      : false;

export const CONTROLLER_ROOTS = ['/sys/fs/cgroup/cpuset', '/sys/fs/cgroup/cpuacct', '/sys/fs/cgroup/cpu', '/sys/fs/cgroup/memory', '/sys/fs/cgroup/unified'];
export const DEMO_CGROUPS = ['isawatt-xeon-1', 'isawatt-altra-1', 'isawatt-xeon-1-agent', 'isawatt-altra-1-agent'];

/** The demo agents' cgroup directories, deepest first. */
export function demoCgroups(): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(join(d, e.name));
    out.push(d);
  };
  for (const root of CONTROLLER_ROOTS) for (const name of DEMO_CGROUPS) if (existsSync(join(root, name))) walk(join(root, name));
  return out;
}

export function workerPids(): number[] {
  return demoCgroups()
    .filter((d) => !d.endsWith('-agent'))
    .flatMap((d) => {
      try {
        return readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
      } catch {
        return [];
      }
    });
}

/** PIDs whose command line mentions `needle` (the demo's directory or its coordinator address). */
export function pidsMentioning(needles: readonly string[]): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (cmd.some((a) => needles.some((n) => a.includes(n)))) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Waits (up to 3 min) for function workers in the demo agents' cgroups; returns their PIDs. */
export function demoWorkersStarted(pollMs = 500): Promise<number[]> {
  return eventually(
    'function workers in the demo agents cgroups',
    () => {
      const pids = workerPids();
      return pids.length > 0 ? pids : undefined;
    },
    180_000,
    pollMs,
  );
}
