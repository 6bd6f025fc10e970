// The exact process a worker starts as. A tiny /bin/sh wrapper (running as the agent's user) writes
// its own pid into the worker's cgroup.procs files, then exec's, via taskset when pinning is by
// affinity, into setpriv, which drops to the unprivileged user and sets the parent-death signal
// (SIGKILL when the agent dies, even by SIGKILL), then exec's the harness. So the runtime starts
// already pinned (V8 and the JVM size their thread pools from the CPUs they see) and no function
// code ever runs with the agent's privileges.
import type { HarnessCommand } from './harness-command.js';
import type { RunAs } from './catalogue.js';
import type { WorkerSlot } from './pinning.js';

export interface LaunchSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}

export interface LaunchOptions {
  /** Drop to this identity (root agents); undefined keeps the agent's own. */
  readonly runAs?: RunAs;
  /** setpriv binary (util-linux); undefined when absent: no privilege drop, no death signal. */
  readonly setprivPath?: string;
  readonly tasksetPath?: string;
  readonly shPath?: string;
  /** Start of the workers' TMPDIR names (workerTempPrefix: the agent's subtree and pid). */
  readonly tempPrefix?: string;
}

/** Exit status of the wrapper when it cannot join a cgroup (the message is on stderr). */
export const JOIN_FAILED_EXIT = 121;

// `$ISAWATT_CGROUP_PROCS` is a ":"-separated list (cgroup paths the agent builds never hold ":").
const WRAPPER = [
  'IFS=:',
  `for f in $ISAWATT_CGROUP_PROCS; do echo $$ > "$f" || { echo "isawatt: cannot join cgroup $f" >&2; exit ${JOIN_FAILED_EXIT}; }; done`,
  'unset ISAWATT_CGROUP_PROCS IFS',
  'exec "$@"',
].join('\n');

export function launchSpec(cmd: HarnessCommand, slot: WorkerSlot, opts: LaunchOptions): LaunchSpec {
  if (opts.runAs !== undefined && opts.setprivPath === undefined) {
    throw new Error('workers must run as an unprivileged user but setpriv (util-linux) was not found');
  }
  const tail: string[] = [];
  if (slot.affinityCpu !== undefined) tail.push(opts.tasksetPath ?? 'taskset', '-c', String(slot.affinityCpu));
  if (opts.setprivPath !== undefined) {
    tail.push(opts.setprivPath);
    if (opts.runAs !== undefined) tail.push(`--reuid=${opts.runAs.uid}`, `--regid=${opts.runAs.gid}`, '--clear-groups');
    tail.push('--pdeathsig=KILL', '--');
  }
  tail.push(cmd.command, ...cmd.args);
  return {
    command: opts.shPath ?? '/bin/sh',
    args: ['-c', WRAPPER, 'isawatt-worker', ...tail],
    cwd: cmd.cwd,
    env: { ...cmd.env, ISAWATT_CGROUP_PROCS: slot.procsFiles.join(':') },
  };
}
