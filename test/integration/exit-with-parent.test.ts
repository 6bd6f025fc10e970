// A parent that started a coordinator and an agent through the test helpers is SIGKILLed (what the
// test runner does to a file at its timeout, before any t.after hook can run): the coordinator, the
// agent and the agent's function worker must exit on their own, and the agent's cgroups must be
// gone. The helpers give each child ISAWATT_EXIT_WITH_PARENT=1 and a stdin pipe only the parent
// holds (packages/common/src/exit-with-parent.ts, docs/runtime.md).
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { killLeftovers } from '../helpers/kill-leftovers.js';
import { isDead } from '../helpers/pid-state.js';
import { eventually, REPO_ROOT } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

const CONTROLLER_ROOTS = ['/sys/fs/cgroup/cpuset', '/sys/fs/cgroup/cpuacct', '/sys/fs/cgroup/cpu', '/sys/fs/cgroup/memory', '/sys/fs/cgroup/unified'];

const skip =
  process.getuid?.() !== 0
    ? 'needs root (the agent runs workers in cgroups)'
    : !existsSync('/sys/fs/cgroup/cpuset')
      ? 'needs the cgroup v1 cpuset controller'
      : false;

/**
 * Every cgroup directory of the subtree, and of the emulated agent's own cgroup beside it
 * (`<subtree>-agent`), deepest first, in every controller.
 */
function cgroupDirs(subtree: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(join(d, e.name));
    out.push(d);
  };
  for (const root of CONTROLLER_ROOTS) for (const name of [subtree, `${subtree}-agent`]) if (existsSync(join(root, name))) walk(join(root, name));
  return out;
}

function pidsIn(dirs: readonly string[]): number[] {
  return dirs.flatMap((d) => {
    try {
      return readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  });
}

test('children of a SIGKILLed test process exit and remove their cgroups', { skip, timeout: 240_000 }, async (t) => {
  const dir = await tempDir(t, 'isawatt-exit-with-parent-');
  const hostId = `ewp-${process.pid}`;
  const subtree = `isawatt-${hostId}`;
  const parent = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', join(REPO_ROOT, 'test/integration/exit-with-parent-parent.ts'), dir, hostId],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  parent.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  parent.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const parentExited = new Promise<void>((resolve) => parent.once('exit', () => resolve()));
  // A safety net only: if the mechanism fails, do not leave daemons, workers or cgroups behind.
  const seen = new Set<number>();
  t.after(async () => {
    parent.kill('SIGKILL');
    await parentExited;
    await killLeftovers(seen, () => cgroupDirs(subtree), subtree);
  });

  const ids = await eventually(
    'the parent to start its coordinator and agent and assign a function',
    () => {
      if (parent.exitCode !== null) throw new Error(`parent exited (${parent.exitCode}):\n${err}`);
      const line = out.split('\n').find((l) => l.startsWith('{'));
      return line === undefined ? undefined : (JSON.parse(line) as { coordinatorPid: number; agentPid: number });
    },
    180_000,
    200,
  );
  seen.add(ids.coordinatorPid).add(ids.agentPid);
  const workers = await eventually(
    'a function worker in the agent cgroups',
    () => {
      const pids = pidsIn(cgroupDirs(subtree));
      return pids.length > 0 ? pids : undefined;
    },
    60_000,
  );
  for (const pid of workers) seen.add(pid);
  for (const pid of seen) assert.equal(isDead(pid), false, `${pid} runs before the parent is killed`);

  parent.kill('SIGKILL');
  await parentExited;
  // Generous bounds: a loaded 2-CPU machine; the agent stops its workers, then removes its cgroups.
  await eventually('the coordinator, the agent and the worker to exit', () => ([...seen].every(isDead) ? true : undefined), 60_000, 200);
  await eventually(`the cgroups ${subtree} to be removed`, () => (cgroupDirs(subtree).length === 0 ? true : undefined), 60_000, 200);
});
