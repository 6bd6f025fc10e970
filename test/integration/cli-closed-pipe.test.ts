// `isawatt --help | head -1`: when the reader has closed the pipe before the CLI writes, the CLI
// stops quietly with exit 0 instead of dying on an unhandled EPIPE with a stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { CLI_ENTRY } from '../helpers/processes.js';

test('isawatt --help into a pipe already closed by its reader: exit 0, nothing on stderr', async () => {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CLI_ENTRY, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Closed before the child has even started Node: its first write meets a pipe with no reader.
  child.stdout.destroy();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  assert.equal(stderr, '');
  assert.equal(code, 0);
});
