// The coordinator's HTTP gateway against a real coordinator process: two FakeAgents (gRPC) each
// advertising an /invoke endpoint served by a small HTTP server standing in for the agent's (it
// answers with its host id). fn-000 runs on both with rate shares 30 and 10 req/s. Under load one
// "agent" is killed (its endpoint first, then its stream): every call still succeeds (calls that
// hit the dead host are retried on the other), calls split 3:1 while both are up, 503 comes only
// when no host is left, with the reason; per-function metrics appear in /metrics. Also: the
// listener rule (off loopback without TLS and a token is refused) and the API token.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';

import { join } from 'node:path';
import { test } from 'node:test';
import { EXIT } from '@isawatt/common';
import { runCli } from '../../packages/coordinator/src/cli/index.js';
import { ControlClient } from '../../packages/coordinator/src/cli/control-client.js';
import { FakeAgent } from '../helpers/fake-agent.js';
import { eventually, freePort, startCoordinator } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

interface Reply {
  status: number;
  body: string;
  host: string | undefined;
}

const errorOf = (r: Reply): string => (JSON.parse(r.body) as { error: string }).error;

function post(port: number, path: string, body: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, host: res.headers['x-isawatt-host'] as string | undefined }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** An agent's /invoke endpoint stand-in: 200 with {host, input}. */
async function invokeServer(hostId: string): Promise<{ server: Server; port: number; calls: () => number }> {
  let calls = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      calls++;
      const out = JSON.stringify({ host: hostId, input: JSON.parse(body || 'null') as unknown });
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) }).end(out), 2);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  return { server, port: typeof addr === 'object' && addr ? addr.port : 0, calls: () => calls };
}

function kill(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}

test('gateway: weighted by rate shares, retries when a host dies mid-load, 503 only with no host left', async (t) => {
  const dir = await tempDir(t, 'isawatt-gateway-');
  const [port, gport, mport] = [await freePort(), await freePort(), await freePort()];
  const coord = await startCoordinator(t, {
    port,
    stateDir: join(dir, 'state'),
    args: ['--host-down-after-ms', '600000', '--gateway-listen', `127.0.0.1:${gport}`, '--metrics-listen', `127.0.0.1:${mport}`],
  });
  await coord.waitForLine(/"msg":"gateway listening"/, 30_000);
  const servers = { a: await invokeServer('fake-a'), b: await invokeServer('fake-b') };
  t.after(() => Promise.all([kill(servers.a.server), kill(servers.b.server)]));
  const agents = {
    a: new FakeAgent({ address: `127.0.0.1:${port}`, hostId: 'fake-a', functionCpus: 4, invokeAddress: `127.0.0.1:${servers.a.port}` }),
    b: new FakeAgent({ address: `127.0.0.1:${port}`, hostId: 'fake-b', functionCpus: 4, invokeAddress: `127.0.0.1:${servers.b.port}` }),
  };
  for (const a of Object.values(agents)) {
    t.after(() => a.close());
    await a.attach();
  }
  const client = new ControlClient({ address: `127.0.0.1:${port}`, tls: {}, insecure: false, deadlineMs: 5000 });
  t.after(() => client.close());
  await eventually('both fake hosts up', async () =>
    (await client.listHosts()).hosts.filter((h) => h.state === 'HOST_STATE_UP').length === 2 ? true : undefined,
  );

  // Nothing deployed yet: 503 with the reason.
  const none = await post(gport, '/invoke/fn-000', '{}');
  assert.equal(none.status, 503);
  assert.match(errorOf(none), /no host runs function "fn-000"/);

  const fa = (rate: number): { function: string; cores: number; rate_rps: number; arrival: string } => ({
    function: 'fn-000',
    cores: 2,
    rate_rps: rate,
    arrival: '',
  });
  const dep = await client.deploy({
    label: 'gateway test',
    ack_timeout_ms: 5000,
    hosts: [
      { host_id: 'fake-a', ack_timeout_ms: 5000, functions: [fa(30)] },
      { host_id: 'fake-b', ack_timeout_ms: 5000, functions: [fa(10)] },
    ],
  });
  assert.ok(dep.ok, dep.error);

  // Both up: 200 sequential calls split 3:1 by rate share (smooth weighted round robin: exactly).
  const byHost = new Map<string, number>();
  for (let k = 0; k < 200; k++) {
    const r = await post(gport, '/invoke/fn-000', JSON.stringify({ k }));
    assert.equal(r.status, 200, r.body);
    assert.deepEqual((JSON.parse(r.body) as { input: unknown }).input, { k });
    byHost.set(r.host ?? '?', (byHost.get(r.host ?? '?') ?? 0) + 1);
  }
  assert.deepEqual(Object.fromEntries(byHost), { 'fake-a': 150, 'fake-b': 50 });

  // Load with 16 calls in flight; after 100 calls fake-a's endpoint dies, after 200 its stream.
  const results: Reply[] = [];
  let sent = 0;
  const worker = async (): Promise<void> => {
    while (sent < 600) {
      const k = sent++;
      if (k === 100) void kill(servers.a.server);
      if (k === 200) agents.a.close();
      results.push(await post(gport, '/invoke/fn-000', JSON.stringify({ k })));
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  assert.equal(results.length, 600);
  const bad = results.filter((r) => r.status !== 200);
  assert.deepEqual(bad, [], 'no call lost: the ones that hit the dead host were retried on the other');
  assert.ok(
    results.slice(300).every((r) => r.host === 'fake-b'),
    'after the kill every call goes to fake-b',
  );

  // The last host's endpoint dies while the coordinator still sees it up: 503, every attempt named.
  await kill(servers.b.server);
  const dead = await post(gport, '/invoke/fn-000', '{}');
  assert.equal(dead.status, 503);
  assert.match(errorOf(dead), /no host running "fn-000" answered: fake-b: unreachable/);
  agents.b.close();
  await eventually('both hosts down', async () => ((await client.listHosts()).hosts.every((h) => h.state === 'HOST_STATE_DOWN') ? true : undefined));
  const gone = await post(gport, '/invoke/fn-000', '{}');
  assert.equal(gone.status, 503);
  assert.match(errorOf(gone), /no host runs function "fn-000"/);

  // Bad requests, and the metrics.
  assert.equal((await post(gport, '/invoke/Bad..Name', '{}')).status, 400);
  assert.equal((await post(gport, '/elsewhere', '{}')).status, 404);
  const metrics = await new Promise<string>((resolve, reject) => {
    request({ host: '127.0.0.1', port: mport, path: '/metrics' }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(text));
    })
      .on('error', reject)
      .end();
  });
  const ok = /isawatt_gateway_requests_total\{function="fn-000",code="200"\} (\d+)/.exec(metrics);
  assert.equal(Number(ok?.[1]), 800);
  // The 503s of a function no host runs are counted as "_unrouted" (callers cannot grow the labels).
  const has = (re: RegExp): void => assert.ok(re.test(metrics), `metrics: ${re}`);
  has(/isawatt_gateway_requests_total\{function="fn-000",code="503"\} 1\n/);
  has(/isawatt_gateway_requests_total\{function="_unrouted",code="503"\} 2\n/);
  has(/isawatt_gateway_request_duration_seconds_count\{function="fn-000"\} 801\n/);
  has(/isawatt_gateway_attempt_failures_total\{function="fn-000",host="fake-a",reason="unreachable"\} [1-9]/);
  const retries = Number(/isawatt_gateway_retries_total\{function="fn-000"\} (\d+)/.exec(metrics)?.[1] ?? 0);
  assert.ok(retries > 0, 'calls that hit the dead endpoint were retried');
  t.diagnostic(`retried calls: ${retries}; fake-a served ${servers.a.calls()}, fake-b ${servers.b.calls()}`);
});

test('gateway listener rule: off loopback it needs TLS and a token; a configured token is enforced', async (t) => {
  const run = async (args: string[]): Promise<{ code: number; err: string }> => {
    let err = '';
    const code = await runCli(['node', 'isawatt', 'coordinator', ...args, '--check-config'], {
      stdout: () => undefined,
      stderr: (s) => (err += s),
      env: {},
      stdoutIsTty: false,
    });
    return { code, err };
  };
  const refused = await run(['--gateway-listen', '0.0.0.0:8080']);
  assert.equal(refused.code, EXIT.BAD_INPUT);
  assert.match(refused.err, /gateway on non-loopback address 0\.0\.0\.0:8080 needs TLS/);
  assert.match(refused.err, /needs an API token: set gateway\.tokenFile/);

  const dir = await tempDir(t, 'isawatt-gateway-token-');
  const tokenFile = join(dir, 'token');
  await writeFile(tokenFile, 'a-test-token-of-some-length\n');
  const [port, gport] = [await freePort(), await freePort()];
  const coord = await startCoordinator(t, {
    port,
    stateDir: join(dir, 'state'),
    args: ['--gateway-listen', `127.0.0.1:${gport}`, '--gateway-token-file', tokenFile],
  });
  await coord.waitForLine(/"msg":"gateway listening"/, 30_000);
  assert.equal((await post(gport, '/invoke/fn-000', '{}')).status, 401);
  assert.equal((await post(gport, '/invoke/fn-000', '{}', { authorization: 'Bearer wrong-token-of-some-length' })).status, 401);
  const authed = await post(gport, '/invoke/fn-000', '{}', { authorization: 'Bearer a-test-token-of-some-length' });
  assert.equal(authed.status, 503, 'past the token: no host runs it');
});
