// ISAWATT_EXIT_WITH_PARENT: a child with the variable and a stdin pipe stops (SIGTERM) when the pipe's
// write end closes, as it does when the parent dies; without a pipe, or without the variable, it
// does not watch; 0 or empty do not watch, other values are refused. The variable never reaches the
// child's own children.
import assert from 'node:assert/strict';
import { spawn, type StdioOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { ConfigError } from './errors.js';
import { EXIT_WITH_PARENT_ENV, exitWithParent } from './exit-with-parent.js';

const CHILD = fileURLToPath(new URL('./testdata/exit-with-parent-child.ts', import.meta.url));

async function start(t: { after(fn: () => unknown): void }, stdin: 'pipe' | 'ignore', env: Record<string, string>) {
  const stdio: StdioOptions = [stdin, 'pipe', 'inherit'];
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CHILD], { stdio, env: { ...process.env, ...env } });
  child.stdin?.on('error', () => undefined);
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  // The child's own line (not a time): it has decided whether to watch.
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      if (out.includes('\n')) resolve(out.split('\n')[0] as string);
    });
    child.once('exit', () => reject(new Error(`child exited before its line: ${out}`)));
  });
  return { child, exited, report: JSON.parse(line) as { watching: boolean; envLeft: string | null } };
}

test('with the variable and a stdin pipe, the end of the pipe stops the child with SIGTERM', async (t) => {
  const { child, exited, report } = await start(t, 'pipe', { [EXIT_WITH_PARENT_ENV]: '1' });
  assert.deepEqual(report, { watching: true, envLeft: null }, 'watching, and the variable is not passed on');
  child.stdin?.end(); // what the kernel does to the pipe when the parent dies
  assert.equal(await exited, 'SIGTERM');
});

test('stdin that is not a pipe (/dev/null) or no variable: nothing is watched', async (t) => {
  const devNull = await start(t, 'ignore', { [EXIT_WITH_PARENT_ENV]: '1' });
  assert.deepEqual(devNull.report, { watching: false, envLeft: null });
  const noVar = await start(t, 'pipe', {});
  assert.deepEqual(noVar.report, { watching: false, envLeft: null });
  // A check that something does NOT happen (the child does not stop when its unwatched stdin ends):
  // only a fixed wait can give it the chance to wrongly exit.
  noVar.child.stdin?.end();
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(noVar.child.exitCode, null);
  assert.equal(noVar.child.signalCode, null);
});

test('0 or empty: nothing is watched; any other value is refused naming the variable and what it takes', () => {
  for (const off of ['0', '']) {
    const env: NodeJS.ProcessEnv = { [EXIT_WITH_PARENT_ENV]: off };
    assert.equal(
      exitWithParent(() => assert.fail('must not watch'), env),
      false,
      `${JSON.stringify(off)}`,
    );
    assert.equal(env[EXIT_WITH_PARENT_ENV], undefined, 'removed all the same');
  }
  for (const bad of ['yes', 'true', '2', ' 1']) {
    const env: NodeJS.ProcessEnv = { [EXIT_WITH_PARENT_ENV]: bad };
    assert.throws(
      () => exitWithParent(() => assert.fail('must not watch'), env),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.message.includes(`${EXIT_WITH_PARENT_ENV} must be 1`) &&
        err.message.includes('0 or empty') &&
        err.message.includes(JSON.stringify(bad)),
    );
    assert.equal(env[EXIT_WITH_PARENT_ENV], undefined, 'a refused value is not passed on either');
  }
});

test('a program started with a bad value says so in one line and exits 2 (bad input)', async () => {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CHILD], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, [EXIT_WITH_PARENT_ENV]: 'yes' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  assert.equal(code, 2, err);
  assert.equal(out, '', 'it did not start');
  assert.match(err, /^exit-with-parent-child: invalid environment:\n {2}- ISAWATT_EXIT_WITH_PARENT must be 1 .*0 or empty.*; got "yes"\n$/);
});
