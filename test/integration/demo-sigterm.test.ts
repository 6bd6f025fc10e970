// The demo SIGTERMed while a CLI step runs (a `kill`, a supervisor: the signal reaches the demo
// alone, not its process group as a terminal's Ctrl-C does): the demo passes it on to the step,
// skips the steps after it (no deployment, no closing experiment) and stops everything it started,
// removing its directory.
import { strict as assert } from 'node:assert';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { demoCgroups, demoSkip as skip, pidsMentioning, demoWorkersStarted } from '../helpers/demo-state.js';
import { killLeftovers } from '../helpers/kill-leftovers.js';
import { isDead } from '../helpers/pid-state.js';
import { spawnTs, REPO_ROOT } from '../helpers/processes.js';

test('a SIGTERMed demo stops its running step, skips the rest and removes what it started', { skip, timeout: 300_000 }, async (t) => {
  assert.deepEqual(demoCgroups(), [], 'leftover demo cgroups from an earlier run');
  // With the closing experiment on: the test checks that it is skipped.
  const demo = spawnTs(t, 'demo', join(REPO_ROOT, 'scripts/demo.ts'), ['--duration', '600']);
  const dir = /State and logs: (\S+)/.exec(await demo.waitForLine(/State and logs: \S+/, 120_000))?.[1] as string;
  const address = /serves (127\.0\.0\.1:\d+)/.exec(await demo.waitForLine(/serves 127\.0\.0\.1:\d+/))?.[1] as string;
  const seen = new Set<number>();
  t.after(async () => {
    await killLeftovers(seen, demoCgroups, 'the demo agents');
    rmSync(dir, { recursive: true, force: true });
  });
  // The profile step is running when its bags have workers in the agents' cgroups.
  await demo.waitForLine(/isawatt profile: \[0\/\d+\] started/, 180_000);
  const workers = await demoWorkersStarted(200);
  for (const pid of [...workers, ...pidsMentioning([dir, address])]) if (pid !== demo.child.pid) seen.add(pid);

  const exit = await demo.stop('SIGTERM');
  const out = demo.tail(400);
  assert.equal(exit.signal, null, `the demo ended on its own, not by the signal\n${out}`);
  assert.match(out, /demo: stopped, temporary files removed/);
  assert.doesNotMatch(out, /\$ isawatt (deploy|experiment) /, 'the steps after the profile were skipped');
  assert.ok([...seen].every(isDead), `the coordinator, the agents and the workers exited\n${out}`);
  assert.deepEqual(demoCgroups(), [], 'the demo agents removed their cgroups');
  assert.equal(existsSync(dir), false, 'the demo removed its directory');
});
