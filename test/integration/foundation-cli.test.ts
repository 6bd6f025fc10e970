// Foundation acceptance (e): bad input gets a clear answer and the documented exit code.
// Config problems are all listed (exit 2); an unknown host is exit 4, an unreachable coordinator
// exit 3 and a request the coordinator rejects as malformed exit 2, each as one line on stderr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';

import { join } from 'node:path';
import { freePort, runCli, startCoordinator } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${stderr}`);
  return lines[0] as string;
}

test('CLI: config problems, unknown host, unreachable coordinator, malformed request', async (t) => {
  const dir = await tempDir(t, 'isawatt-cli-');
  const bad = join(dir, 'bad.yaml');
  await writeFile(
    bad,
    [
      'listen: "no-port-here"',
      'hostDownAfterMs: -5',
      'cluster: "bad name!"',
      'tls:',
      '  caFile: /etc/ca.pem',
      'logLevel: loud',
      'mqtt:',
      '  broker: "ftp://x"',
    ].join('\n'),
  );
  const withUnknown = join(dir, 'unknown-key.yaml');
  await writeFile(withUnknown, 'listen: 127.0.0.1:7000\ninsecure: true\nflavour: vanilla\n');
  const port = await freePort();
  const deadPort = await freePort();
  const coordinator = await startCoordinator(t, { port, stateDir: join(dir, 'state') });
  const at = ['--coordinator', `127.0.0.1:${port}`];

  const [config, unknownKey, plaintext, plaintextOk, notFound, unreachable, malformed, badSpec, unknownCmd, help, hostHelp] = await Promise.all([
    runCli(['coordinator', '--config', bad, '--state-dir', join(dir, 's2')]),
    runCli(['coordinator', '--config', withUnknown, '--check-config']),
    runCli(['coordinator', '--listen', '0.0.0.0:7000', '--check-config']),
    runCli(['coordinator', '--listen', '0.0.0.0:7000', '--insecure', '--check-config']),
    runCli(['host', 'nope', ...at]),
    runCli(['hosts', '--coordinator', `127.0.0.1:${deadPort}`]),
    runCli(['host', '', ...at]),
    runCli(['assign', 'h1', 'jwt-node=four', 'zip@3', ...at]),
    runCli(['frobnicate']),
    runCli(['--help']),
    runCli(['host', '--help']),
  ]);

  // Every config problem is listed, each naming its key.
  assert.equal(config.code, 2, config.stderr);
  for (const key of ['listen', 'hostDownAfterMs', 'cluster', 'tls.certFile', 'logLevel', 'mqtt.broker']) {
    assert.match(config.stderr, new RegExp(`- ${key.replace('.', '\\.')}: `), `problem with ${key} listed:\n${config.stderr}`);
  }
  // Unknown keys are warnings, not failures.
  assert.equal(unknownKey.code, 0, unknownKey.stderr);
  assert.match(unknownKey.stderr, /warning: flavour: unknown key, ignored/);
  // Plaintext on a non-loopback address needs --insecure.
  assert.equal(plaintext.code, 2);
  assert.match(plaintext.stderr, /plaintext gRPC on non-loopback address 0\.0\.0\.0:7000 refused/);
  assert.equal(plaintextOk.code, 0, plaintextOk.stderr);

  assert.equal(notFound.code, 4);
  assert.equal(oneLine(notFound.stderr), 'isawatt: unknown host "nope"');
  assert.equal(unreachable.code, 3);
  assert.match(oneLine(unreachable.stderr), new RegExp(`^isawatt: cannot reach coordinator at 127\\.0\\.0\\.1:${deadPort}: .*ECONNREFUSED`));
  assert.equal(malformed.code, 2);
  assert.equal(oneLine(malformed.stderr), 'isawatt: GetHost: host_id: required (a host id)');
  assert.equal(badSpec.code, 2);
  assert.match(oneLine(badSpec.stderr), /"jwt-node=four": expected FUNCTION=CORES.*"zip@3": expected/);
  assert.equal(unknownCmd.code, 2);
  assert.match(unknownCmd.stderr, /unknown command 'frobnicate'/);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Exit codes: 0 ok, 1 failure, 2 bad input/);
  assert.equal(hostHelp.code, 0);
  assert.match(hostHelp.stdout, /--coordinator <host:port>/);
  assert.match(hostHelp.stdout, /--json/);

  // Graceful stop on SIGTERM: exit 0 after the services shut down.
  const exit = await coordinator.stop('SIGTERM');
  assert.equal(exit.code, 0, coordinator.tail());
  assert.ok(
    coordinator.lines.some((l) => l.includes('"msg":"coordinator stopped"')),
    coordinator.tail(),
  );
});
