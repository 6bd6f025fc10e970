// An emulated host shares this machine with other work. Its workers' cgroups get the highest CPU
// weight (runtime/pinning.ts) so that other load does not eat into their quotas; the agent process
// itself (the open-loop drivers that generate every arrival, the pipes that feed the carriers, the
// emulator) ran at the default weight, and on a machine at load 10-30 it was the agent that starved
// first: its carriers emptied their pipes and idled while its queues filled and dropped arrivals
// (docs/experiments.md, "On this machine"). A real server's agent has its server to itself, so the
// emulated one gets the weight its workers have: it moves into a cgroup of the cgroup v1 cpu
// controller next to its subtree, `<subtree>-agent`, with cpu.shares 262144, and back on close.
// Without a writable v1 cpu controller nothing changes (one warning).
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage, type Logger } from '@isawatt/common';

/** The weight of the agent's workers' subtree (pinning.ts): the highest cgroup v1 cpu.shares. */
export const EMULATED_AGENT_CPU_SHARES = 262144;

export interface AgentWeightOptions {
  /** cgroup filesystem root (the v1 cpu controller is `<root>/cpu`). */
  readonly cgroupRoot: string;
  /** The agent's runtime subtree name; the agent's own cgroup is `<subtree>-agent`. */
  readonly subtree: string;
  /** procfs root, for `<procRoot>/<pid>/cgroup` (where the process was, to move it back). */
  readonly procRoot: string;
  readonly pid: number;
  readonly log: Logger;
}

/** The process's cgroup in the v1 hierarchy that holds the cpu controller, from /proc/<pid>/cgroup. */
export function cpuCgroupOf(procCgroup: string): string | undefined {
  for (const line of procCgroup.split('\n')) {
    const [, controllers = '', path] = line.split(':');
    if (path !== undefined && controllers.split(',').includes('cpu')) return path;
  }
  return undefined;
}

/** Moves the process into `<cpu>/<subtree>-agent` with the workers' weight; resolves to the undo. */
export async function raiseAgentCpuWeight(opts: AgentWeightOptions): Promise<() => Promise<void>> {
  const top = join(opts.cgroupRoot, 'cpu');
  const dir = join(top, `${opts.subtree}-agent`);
  const noop = (): Promise<void> => Promise.resolve();
  let origin: string | undefined;
  try {
    origin = cpuCgroupOf(await readFile(join(opts.procRoot, String(opts.pid), 'cgroup'), 'utf8'));
    if (origin === undefined) throw new Error(`no cgroup v1 cpu controller in ${join(opts.procRoot, String(opts.pid), 'cgroup')}`);
    await readFile(join(top, 'cpu.shares'), 'utf8');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'cpu.shares'), String(EMULATED_AGENT_CPU_SHARES));
    await writeFile(join(dir, 'cgroup.procs'), String(opts.pid));
  } catch (err) {
    opts.log.warn(
      { err: errorMessage(err), cgroup: dir },
      'emulated host: the agent keeps the default CPU weight (other load on this machine may starve its load drivers)',
    );
    await rmdir(dir).catch(() => undefined);
    return noop;
  }
  opts.log.info({ cgroup: dir, cpuShares: EMULATED_AGENT_CPU_SHARES }, "emulated host: the agent runs with its workers' CPU weight");
  const back = join(top, origin);
  return async () => {
    await writeFile(join(back, 'cgroup.procs'), String(opts.pid)).catch((err: unknown) =>
      opts.log.warn({ err: errorMessage(err), cgroup: back }, 'emulated host: could not move the agent back to its cgroup'),
    );
    await rmdir(dir).catch(() => undefined);
  };
}
