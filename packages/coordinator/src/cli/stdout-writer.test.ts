// stdoutWriter in a child process: every byte arrives in order through writeSync alone (a file),
// and a non-blocking pipe whose reader is slow hands the output over to the stream instead of
// losing it (EAGAIN). The child runs through tsx, which makes a piped fd 1 non-blocking itself, so
// the blocking case is a file here; the CLI's own runs (bundle, pipes) are in
// test/integration/cli-*.test.ts. EPIPE (reader gone) is test/integration/cli-closed-pipe.test.ts.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { tempDir } from '../../../../test/helpers/temp-dir.js';

const CHILD = fileURLToPath(new URL('./testdata/stdout-writer-child.ts', import.meta.url));
const TOTAL = 1 << 20; // 16 times a Linux pipe's buffer: a reader that waits makes the pipe fill

/**
 * Runs the child; its stdout is read only once it has written everything it could and said on
 * stderr whether it met EAGAIN. Waiting for a fixed time instead failed in CI: under load the child
 * took longer than the wait to start, the reader drained the pipe as it was written, and no write
 * ever met a full pipe. Resolves with what it wrote.
 */
async function run(mode: 'blocking' | 'nonblocking'): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CHILD, String(TOTAL), mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pause();
  const chunks: Buffer[] = [];
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  await new Promise<void>((resolve) => {
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (stderr.includes('\n')) resolve();
    });
    child.once('close', () => resolve()); // a child that fails before its line
  });
  child.stdout.on('data', (d: Buffer) => chunks.push(d));
  child.stdout.resume();
  const code = await exited;
  return { stdout: Buffer.concat(chunks).toString('utf8'), stderr, code };
}

function expected(): string {
  let out = '';
  for (let i = 0; out.length < TOTAL; i++) {
    const line = `${String(i).padStart(9, '0')}\n`;
    out += line.repeat(Math.min(1024, Math.ceil((TOTAL - out.length) / line.length)));
  }
  return out;
}

test('a file gets every byte in order through writeSync alone', async (t) => {
  const file = join(await tempDir(t, 'isawatt-stdout-writer-'), 'out.txt');
  const fd = openSync(file, 'w');
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CHILD, String(TOTAL), 'blocking'], { stdio: ['ignore', fd, 'pipe'] });
  closeSync(fd);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  assert.equal(code, 0, stderr);
  assert.equal(stderr, 'handedOver=false\n');
  assert.equal(readFileSync(file, 'utf8'), expected());
});

test('a full non-blocking pipe: EAGAIN hands the rest to the stream, every byte in order', async () => {
  const r = await run('nonblocking');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, 'handedOver=true\n');
  assert.equal(r.stdout, expected());
});
