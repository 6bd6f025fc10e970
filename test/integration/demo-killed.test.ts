// The demo SIGKILLed (no Ctrl-C, no cleanup of its own): its coordinator and agents, which run in
// their own process group so that a terminal's Ctrl-C reaches only the demo, must still exit, the
// agents stopping their workers and removing their cgroups. The demo hands each a stdin pipe with
// ISAWATT_EXIT_WITH_PARENT=1 (docs/runtime.md, "Stopping with the process that started it").
import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { demoCgroups, demoSkip as skip, pidsMentioning, demoWorkersStarted } from '../helpers/demo-state.js';
import { killLeftovers } from '../helpers/kill-leftovers.js';
import { isDead } from '../helpers/pid-state.js';
import { eventually, spawnTs, REPO_ROOT } from '../helpers/processes.js';

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
  const workers = await demoWorkersStarted();
  for (const pid of workers) seen.add(pid);

  await demo.stop('SIGKILL');
  // Generous bounds for a loaded 2-CPU machine: each agent stops its workers, then removes its cgroups.
  await eventually('the coordinator, the agents and their workers to exit', () => ([...seen].every(isDead) ? true : undefined), 60_000, 200);
  await eventually('the demo agents cgroups to be removed', () => (demoCgroups().length === 0 ? true : undefined), 60_000, 200);
});
