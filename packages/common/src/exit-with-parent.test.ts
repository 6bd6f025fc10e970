// ISAWATT_EXIT_WITH_PARENT: a child with the variable and a stdin pipe stops (SIGTERM) when the pipe's
// write end closes, as it does when the parent dies; without a pipe, or without the variable, it
// does not watch. The variable never reaches the child's own children.
import assert from 'node:assert/strict';
import { spawn, type StdioOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { EXIT_WITH_PARENT_ENV } from './exit-with-parent.js';

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
