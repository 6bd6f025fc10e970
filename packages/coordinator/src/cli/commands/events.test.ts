import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EXIT } from '@isawatt/common';
import { EventLog } from '../../autoreplan/event-log.js';
import { runCli } from '../index.js';
import { waitUntil } from '../../../../../test/helpers/wait-until.js';

test('events --follow prints decisions as they are appended, until interrupted', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'isawatt-events-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const log = new EventLog(dir, 100);
  await log.init();
  await log.append({
    kind: 'triggered',
    reason: 'out of the band',
    attempt: 1,
    functions: [{ function: 'fn\u001b[31m', plannedRps: 1, observedRps: 2, deviationPct: 100, outForMs: 5 }],
  });
  let out = '';
  const running = runCli(['node', 'isawatt', 'events', '--state-dir', dir, '--follow', '--poll-ms', '50'], {
    stdout: (s) => (out += s),
    stderr: () => undefined,
    env: {},
    stdoutIsTty: false,
  });
  const waitFor = async (re: RegExp): Promise<void> => {
    await waitUntil(`a line matching ${re}`, () => re.test(out)).catch(() => undefined);
    assert.match(out, re);
  };
  await waitFor(/#1 .*triggered/);
  assert.doesNotMatch(out, /\u001b/, 'names from the file cannot drive the terminal');
  await log.append({ kind: 'applied', reason: 'applied in 2 wave(s)', attempt: 1 });
  await waitFor(/#2 .*applied .*applied in 2 wave/);
  process.emit('SIGINT');
  assert.equal(await running, EXIT.OK);
});
