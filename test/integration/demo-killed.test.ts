// The demo SIGKILLed (no Ctrl-C, no cleanup of its own): its coordinator and agents, which run in
// their own process group so that a terminal's Ctrl-C reaches only the demo, must still exit, the
// agents stopping their workers and removing their cgroups. The demo hands each a stdin pipe with
// ISAWATT_EXIT_WITH_PARENT=1 (docs/runtime.md, "Stopping with the process that started it").
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { killLeftovers } from '../helpers/kill-leftovers.js';
import { isDead } from '../helpers/pid-state.js';
import { eventually, spawnTs, REPO_ROOT } from '../helpers/processes.js';

const CONTROLLER_ROOTS = ['/sys/fs/cgroup/cpuset', '/sys/fs/cgroup/cpuacct', '/sys/fs/cgroup/cpu', '/sys/fs/cgroup/memory', '/sys/fs/cgroup/unified'];
const DEMO_CGROUPS = ['isawatt-xeon-1', 'isawatt-altra-1', 'isawatt-xeon-1-agent', 'isawatt-altra-1-agent'];

const skip =
  process.getuid?.() !== 0
    ? 'needs root (the agents run workers in cgroups)'
    : !existsSync('/sys/fs/cgroup/cpuset')
      ? 'needs the cgroup v1 cpuset controller'
      : false;

/** The demo agents' cgroup directories, deepest first. */
function demoCgroups(): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(join(d, e.name));
    out.push(d);
  };
  for (const root of CONTROLLER_ROOTS) for (const name of DEMO_CGROUPS) if (existsSync(join(root, name))) walk(join(root, name));
  return out;
}

function workerPids(): number[] {
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
function pidsMentioning(needles: readonly string[]): number[] {
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

test('a SIGKILLed demo leaves no coordinator, agent, worker or cgroup behind', { skip, timeout: 300_000 }, async (t) => {
  assert.deepEqual(demoCgroups(), [], 'leftover demo cgroups from an earlier run');
  const demo = spawnTs(t, 'demo', join(REPO_ROOT, 'scripts/demo.ts'), ['--duration', '600', '--no-experiment']);
  const stateLine = await demo.waitForLine(/State and logs: \S+/, 120_000);
  const dir = /State and logs: (\S+)/.exec(stateLine)?.[1] as string;
  const address = /serves (127\.0\.0\.1:\d+)/.exec(await demo.waitForLine(/serves 127\.0\.0\.1:\d+/))?.[1] as string;
  // A safety net only: if the mechanism fails, remove what it should have.
  const seen = new Set<number>();
  t.after(async () => {
    await killLeftovers(seen, demoCgroups, 'the demo agents');
    rmSync(dir, { recursive: true, force: true });
  });

  // Running for real: the coordinator and both agents, and function workers in the agents' cgroups
  // (the demo's profiling step starts them).
  const daemons = await eventually(
    'the coordinator and both agents',
    () => {
      const pids = pidsMentioning([dir, address]).filter((p) => p !== demo.child.pid);
      return pids.length >= 3 ? pids : undefined;
    },
    120_000,
    500,
  );
  for (const pid of daemons) seen.add(pid);
  const workers = await eventually(
    'function workers in the agents cgroups',
    () => {
      const pids = workerPids();
      return pids.length > 0 ? pids : undefined;
    },
    180_000,
    500,
  );
  for (const pid of workers) seen.add(pid);

  await demo.stop('SIGKILL');
  // Generous bounds for a loaded 2-CPU machine: each agent stops its workers, then removes its cgroups.
  await eventually('the coordinator, the agents and their workers to exit', () => ([...seen].every(isDead) ? true : undefined), 60_000, 200);
  await eventually('the demo agents cgroups to be removed', () => (demoCgroups().length === 0 ? true : undefined), 60_000, 200);
});
