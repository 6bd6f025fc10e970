// Listen failures are one line and exit 2 (no stack trace, no "internal error"): a busy port for
// the coordinator and for the agent's HTTP endpoint, and an address that is not an address.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createServer } from 'node:net';

import { join } from 'node:path';
import { AGENT_MAIN, HOST_FIXTURES, runCli, spawnTs } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

test('busy and impossible listen addresses: one line, exit 2', async (t) => {
  const dir = await tempDir(t, 'isawatt-bind-');
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', () => resolve()));
  t.after(() => new Promise<void>((resolve) => busy.close(() => resolve())));
  const port = (busy.address() as { port: number }).port;

  const agent = (listen: string) => {
    const root = join(HOST_FIXTURES, 'xeon-2s');
    return spawnTs(t, `agent:${listen}`, AGENT_MAIN, [
      '--coordinator',
      '127.0.0.1:1',
      '--host-id',
      'bind-1',
      '--procfs-root',
      join(root, 'proc'),
      '--sysfs-root',
      join(root, 'sys'),
      '--http-listen',
      listen,
      '--log-level',
      'silent',
    ]);
  };
  const [coord, agentBusy, agentBad] = await Promise.all([
    runCli(['coordinator', '--listen', `127.0.0.1:${port}`, '--insecure', '--state-dir', join(dir, 'state'), '--log-level', 'silent']),
    (async () => {
      const p = agent(`127.0.0.1:${port}`);
      return { exit: await p.exited, out: p.lines.join('\n') };
    })(),
    (async () => {
      const p = agent('999.1.1.1:80');
      return { exit: await p.exited, out: p.lines.join('\n') };
    })(),
  ]);
  assert.equal(coord.code, 2, coord.stderr);
  assert.equal(coord.stderr.trim().split('\n').length, 1, coord.stderr);
  assert.match(coord.stderr, new RegExp(`^isawatt: 127\\.0\\.0\\.1:${port}: cannot listen: `));
  assert.equal(agentBusy.exit.code, 2, agentBusy.out);
  assert.match(agentBusy.out, new RegExp(`^isawatt-agent: http\\.listen: cannot listen on 127\\.0\\.0\\.1:${port}: address in use`, 'm'));
  assert.doesNotMatch(agentBusy.out, /internal error|\n\s+at /);
  assert.equal(agentBad.exit.code, 2, agentBad.out);
  assert.match(agentBad.out, /http\.listen: expected HOST:PORT for the HTTP endpoint with an IP address or host name/);
});
