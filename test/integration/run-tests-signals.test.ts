// `npm test` passes a SIGTERM sent to npm on to everything the run started. npm forwards it to its
// script's process only: that was `sh -c`, which died and left scripts/run-tests.mjs running, and
// run-tests.mjs, killed itself, left the node --test run it had started with spawnSync going on,
// orphaned, competing for the CPU with whatever came next (an experiment started after such a kill
// met its rates in 2 of 7 runs). Now the script `exec`s the runner, and the runner passes the signal
// to its step's process group. Every process of the run inherits a marker in its environment;
// none may be left once npm has exited.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { eventually, REPO_ROOT } from '../helpers/processes.js';

const MARK = 'ISAWATT_RUN_TESTS_SIGNAL_MARK';

/** Pids (other than ours) whose environment holds MARK=value. */
function marked(value: string): number[] {
  const needle = `${MARK}=${value}`;
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (
        readFileSync(join('/proc', name, 'environ'), 'latin1')
          .split('\0')
          .includes(needle)
      )
        out.push(pid);
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

const skip = process.platform !== 'linux' ? 'reads /proc/<pid>/environ (Linux)' : false;

test('a SIGTERM to npm test reaches every process of the run; none outlive it', { skip, timeout: 180_000 }, async (t) => {
  const value = randomUUID();
  // The interrupted file's t.after hooks never run: its temp dirs go to a TMPDIR of this test's own.
  const tmp = mkdtempSync(join(tmpdir(), 'isawatt-run-tests-signals-'));
  // auto-replan.test.ts: one file, ~20 s, that starts a coordinator and agents of its own.
  // Without NODE_TEST_CONTEXT: node --test sets it in this file's process, and a node --test
  // started with it reports to a parent runner instead of running as npm test does.
  const env: NodeJS.ProcessEnv = { ...process.env, [MARK]: value, TMPDIR: tmp };
  delete env.NODE_TEST_CONTEXT;
  const runner = spawn('npm', ['test', '--', 'test/integration/auto-replan.test.ts'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  runner.stdout.on('data', (b: Buffer) => (out += b.toString()));
  runner.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => runner.on('exit', (code) => resolve(code)));
  t.after(async () => {
    // The safety net if the runner failed at its job: nothing marked may outlive this test.
    for (const pid of marked(value)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await exited;
    rmSync(tmp, { recursive: true, force: true });
  });

  // The node --test run and its per-file process are up: more marked processes than npm and the runner.
  await eventually(
    'the test file running under the runner',
    () => (/running 1 test files/.test(out) && marked(value).length >= 4 ? true : undefined),
    120_000,
    100,
  );
  runner.kill('SIGTERM');
  const code = await exited;
  assert.notEqual(code, 0, `npm reports the interrupted run as failed:\n${out.slice(-2000)}`);
  assert.match(out, /tests failed \(exit /);
  await eventually('no process of the run left', () => (marked(value).length === 0 ? true : undefined), 30_000, 200).catch(() => {
    throw new Error(`still running after npm exited: ${marked(value).join(', ')}`);
  });
});
