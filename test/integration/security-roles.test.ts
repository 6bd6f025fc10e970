// Security (issue: every caller authenticated and authorised). A coordinator under mutual TLS with
// a PKI made by `isawatt certs`: agent certificates may only attach as their own host, operator
// certificates may only use Control, the Control socket serves the local CLI, and the standard
// grpc.health.v1.Health answers a generic client built from the upstream health.proto.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';

import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { loadProtos, type wire } from '@isawatt/common';
import { FakeAgent } from '../helpers/fake-agent.js';
import { controlSocketOf, freePort, REPO_ROOT, runCli, startCoordinator } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

type HealthClient = grpc.Client & {
  Check(req: { service: string }, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: { status: string }) => void): void;
};

/** A generic health client from the upstream proto (what grpc_health_probe and Kubernetes use). */
function healthClient(address: string, creds: grpc.ChannelCredentials): HealthClient {
  const def = protoLoader.loadSync(join(REPO_ROOT, 'node_modules/grpc-health-check/proto/health/v1/health.proto'), { keepCase: true, enums: String });
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    grpc: { health: { v1: { Health: new (a: string, c: grpc.ChannelCredentials) => HealthClient } } };
  };
  return new pkg.grpc.health.v1.Health(address, creds);
}

// Generous: a TLS handshake and a call on a loaded 2-CPU machine can take seconds; no test here
// expects a deadline to pass.
const CALL_DEADLINE_MS = 30_000;

function check(c: HealthClient, service = ''): Promise<string> {
  return new Promise((resolve, reject) =>
    c.Check({ service }, new grpc.Metadata(), { deadline: Date.now() + CALL_DEADLINE_MS }, (err, res) => (err ? reject(err) : resolve(res?.status ?? ''))),
  );
}

function listHosts(address: string, creds: grpc.ChannelCredentials): Promise<wire.ListHostsResponse__Output> {
  const Ctor = loadProtos().isawatt.v1.Control;
  const c = new Ctor(address, creds);
  return new Promise((resolve, reject) =>
    c.ListHosts({}, { deadline: Date.now() + CALL_DEADLINE_MS }, (err, res) => {
      c.close();
      if (err) reject(err);
      else resolve(res as wire.ListHostsResponse__Output);
    }),
  );
}

test('roles: agents attach only as themselves, operators only use Control, the socket serves the local CLI', async (t) => {
  const dir = await tempDir(t, 'isawatt-roles-');
  const pki = join(dir, 'pki');
  const made = await runCli(['certs', '--out', pki, '--coordinator-name', '127.0.0.1,localhost', '--agent', 'xeon-1,xeon-2', '--operator', 'alice']);
  assert.equal(made.code, 0, made.stderr);
  assert.match(made.stdout, /ca\.pem, coordinator\.pem, agent-xeon-1\.pem, agent-xeon-2\.pem, operator-alice\.pem/);
  assert.equal((await stat(join(pki, 'agent-xeon-1-key.pem'))).mode & 0o777, 0o600);
  const f = (n: string): string => join(pki, n);
  const creds = async (name: string): Promise<grpc.ChannelCredentials> =>
    grpc.credentials.createSsl(await readFile(f('ca.pem')), await readFile(f(`${name}-key.pem`)), await readFile(f(`${name}.pem`)));

  const port = await freePort();
  const stateDir = join(dir, 'state');
  await startCoordinator(t, {
    port,
    stateDir,
    insecure: false,
    args: ['--tls-ca', f('ca.pem'), '--tls-cert', f('coordinator.pem'), '--tls-key', f('coordinator-key.pem')],
  });
  const address = `127.0.0.1:${port}`;

  // An agent certificate attaches as its own host...
  const agent = new FakeAgent({ address, hostId: 'xeon-1', credentials: await creds('agent-xeon-1') });
  t.after(() => agent.close());
  await agent.attach();
  // ...not as another host...
  const other = new FakeAgent({ address, hostId: 'xeon-2', credentials: await creds('agent-xeon-1') });
  t.after(() => other.close());
  await assert.rejects(
    other.attach(),
    (err: grpc.ServiceError) => err.code === grpc.status.PERMISSION_DENIED && /CN "xeon-1" does not match Hello host_id "xeon-2"/.test(err.details),
  );
  // ...and cannot use Control (no `isawatt assign` with an agent certificate).
  await assert.rejects(listHosts(address, await creds('agent-xeon-1')), (err: grpc.ServiceError) => {
    assert.equal(err.code, grpc.status.PERMISSION_DENIED);
    assert.match(err.details, /Control\.ListHosts needs role operator; the caller has role agent \(certificate CN "xeon-1"\)/);
    return true;
  });
  const assign = await runCli([
    'assign',
    'xeon-1',
    'fn-000=1',
    '--coordinator',
    address,
    '--tls-ca',
    f('ca.pem'),
    '--tls-cert',
    f('agent-xeon-1.pem'),
    '--tls-key',
    f('agent-xeon-1-key.pem'),
  ]);
  assert.equal(assign.code, 1, assign.stderr);
  assert.match(assign.stderr, /needs role operator/);

  // An operator certificate uses Control but cannot register as a host.
  const fakeHost = new FakeAgent({ address, hostId: 'alice', credentials: await creds('operator-alice') });
  t.after(() => fakeHost.close());
  await assert.rejects(
    fakeHost.attach(),
    (err: grpc.ServiceError) => err.code === grpc.status.PERMISSION_DENIED && /AgentLink\.Attach needs role agent/.test(err.details),
  );
  const hosts = await runCli([
    'hosts',
    '--json',
    '--coordinator',
    address,
    '--tls-ca',
    f('ca.pem'),
    '--tls-cert',
    f('operator-alice.pem'),
    '--tls-key',
    f('operator-alice-key.pem'),
  ]);
  assert.equal(hosts.code, 0, hosts.stderr);
  assert.deepEqual(
    (JSON.parse(hosts.stdout) as { hosts: { host_id: string }[] }).hosts.map((h) => h.host_id),
    ['xeon-1'],
  );

  // The same agent reconnecting with its certificate (a new stream) replaces its old one.
  const again = new FakeAgent({ address, hostId: 'xeon-1', credentials: await creds('agent-xeon-1') });
  t.after(() => again.close());
  await again.attach();

  // The local CLI over the Control socket: mode 0660, no certificate needed.
  const socket = controlSocketOf(stateDir);
  assert.equal((await stat(socket)).mode & 0o777, 0o660);
  const local = await runCli(['hosts', '--json', '--coordinator', `unix:${socket}`]);
  assert.equal(local.code, 0, local.stderr);
  assert.match(local.stdout, /"host_id": "xeon-1"/);
  const viaEnv = await runCli(['health'], { ISAWATT_STATE_DIR: stateDir, ISAWATT_COORDINATOR: '' });
  assert.equal(viaEnv.code, 0, viaEnv.stderr);

  // grpc.health.v1.Health over mTLS (any role) and over the socket.
  const h1 = healthClient(address, await creds('agent-xeon-1'));
  const h2 = healthClient(`unix:${socket}`, grpc.credentials.createInsecure());
  t.after(() => {
    h1.close();
    h2.close();
  });
  assert.equal(await check(h1), 'SERVING');
  assert.equal(await check(h1, 'isawatt.v1.Control'), 'SERVING');
  assert.equal(await check(h2, 'isawatt.v1.AgentLink'), 'SERVING');
  await assert.rejects(check(h2, 'nope'), (err: grpc.ServiceError) => err.code === grpc.status.NOT_FOUND);
  assert.equal((await listHosts(address, await creds('operator-alice'))).hosts[0]?.peer_cert_cn, 'xeon-1');
});
