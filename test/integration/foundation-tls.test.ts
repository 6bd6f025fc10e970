// Foundation acceptance (d): mutual TLS. Certificates are made with openssl in a temp dir (a CA,
// the coordinator's server certificate, client certificates whose CN is the host id, and one from
// a foreign CA). An agent with a valid client certificate attaches; one without a certificate,
// one with a certificate from another CA, and one whose certificate CN differs from the host id
// it claims are all refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';

import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { wire } from '@isawatt/common';
import { ControlClient } from '../../packages/coordinator/src/cli/control-client.js';
import { FakeAgent } from '../helpers/fake-agent.js';
import { eventually, freePort, runCli, startAgent, startCoordinator } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function makeCa(dir: string, name: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=${name}`]);
}

async function makeCert(dir: string, ca: string, name: string, cn: string, ext: string): Promise<void> {
  await writeFile(join(dir, `${name}.ext`), ext);
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
  ]);
}

// Roles travel as a SAN URI (docs/security.md): agents attach, operators use Control.
const AGENT_EXT = 'extendedKeyUsage=clientAuth\nsubjectAltName=URI:urn:isawatt:role:agent\n';
const OPERATOR_EXT = 'extendedKeyUsage=clientAuth\nsubjectAltName=URI:urn:isawatt:role:operator\n';

test('mutual TLS: a valid client certificate attaches, anything else is refused', async (t) => {
  const dir = await tempDir(t, 'isawatt-mtls-');
  makeCa(dir, 'ca');
  makeCa(dir, 'other-ca');
  await makeCert(dir, 'ca', 'server', 'coordinator', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await makeCert(dir, 'ca', 'xeon-m', 'xeon-m', AGENT_EXT);
  await makeCert(dir, 'ca', 'operator', 'operator', OPERATOR_EXT);
  await makeCert(dir, 'ca', 'impostor', 'some-other-host', AGENT_EXT);
  await makeCert(dir, 'other-ca', 'foreign', 'xeon-f', AGENT_EXT);
  const f = (n: string): string => join(dir, n);

  const port = await freePort();
  const coordinator = await startCoordinator(t, {
    port,
    stateDir: join(dir, 'state'),
    insecure: false,
    args: ['--tls-ca', f('ca.crt'), '--tls-cert', f('server.crt'), '--tls-key', f('server.key')],
  });
  assert.ok(
    coordinator.lines.some((l) => l.includes('"transport":"mtls"')),
    'coordinator says it runs mutual TLS',
  );

  // A real agent with its client certificate, and a real agent with none.
  startAgent(t, { port, hostId: 'xeon-m', fixture: 'xeon-2s', args: ['--tls-ca', f('ca.crt'), '--tls-cert', f('xeon-m.crt'), '--tls-key', f('xeon-m.key')] });
  const noCert = startAgent(t, { port, hostId: 'nocert-1', fixture: 'altra-max-1s', args: ['--tls-ca', f('ca.crt')] });

  const ca = await readFile(f('ca.crt'));
  const opClient = new ControlClient({
    address: `127.0.0.1:${port}`,
    tls: { caFile: f('ca.crt'), certFile: f('operator.crt'), keyFile: f('operator.key') },
    insecure: false,
    deadlineMs: 5000,
  });
  t.after(() => opClient.close());
  const host = await eventually(
    'xeon-m attached over mTLS',
    async () => {
      const h = await opClient.getHost('xeon-m');
      return h.state === 'HOST_STATE_UP' ? h : undefined;
    },
    40_000,
  );
  assert.equal(host.peer_cert_cn, 'xeon-m');

  // A certificate signed by another CA: the handshake fails.
  const foreign = new FakeAgent({
    address: `127.0.0.1:${port}`,
    hostId: 'xeon-f',
    credentials: grpc.credentials.createSsl(ca, await readFile(f('foreign.key')), await readFile(f('foreign.crt'))),
  });
  t.after(() => foreign.close());
  await assert.rejects(foreign.attach(), (err: grpc.ServiceError) => err.code === grpc.status.UNAVAILABLE);

  // A valid certificate, but for another host than the one claimed in Hello.
  const impostor = new FakeAgent({
    address: `127.0.0.1:${port}`,
    hostId: 'xeon-m',
    credentials: grpc.credentials.createSsl(ca, await readFile(f('impostor.key')), await readFile(f('impostor.crt'))),
  });
  t.after(() => impostor.close());
  await assert.rejects(impostor.attach(), (err: grpc.ServiceError) => {
    assert.equal(err.code, grpc.status.PERMISSION_DENIED);
    assert.match(err.details, /CN "some-other-host" does not match Hello host_id "xeon-m"/);
    return true;
  });
  // The genuine xeon-m is still attached (the impostor did not replace its stream).
  assert.equal((await opClient.getHost('xeon-m')).state, 'HOST_STATE_UP');

  // The certificate-less real agent keeps being refused and never registers.
  await noCert.waitForLine(/coordinator unreachable/, 30_000);
  const hosts = (await opClient.listHosts()).hosts.map((h: wire.Host__Output) => h.host_id);
  assert.deepEqual(hosts, ['xeon-m']);

  // The CLI needs a client certificate too: with one it works, without one it cannot connect (3).
  const tlsArgs = ['--coordinator', `127.0.0.1:${port}`, '--tls-ca', f('ca.crt')];
  const ok = await runCli(['hosts', '--json', ...tlsArgs, '--tls-cert', f('operator.crt'), '--tls-key', f('operator.key')]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /"peer_cert_cn": "xeon-m"/);
  const refused = await runCli(['hosts', ...tlsArgs]);
  assert.equal(refused.code, 3, refused.stderr);
  assert.equal(refused.stderr.trim().split('\n').length, 1, `one line: ${refused.stderr}`);
});
