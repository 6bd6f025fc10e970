// The gateway calling agents whose endpoint is HTTPS, as an off-loopback deployment has it: real
// agent endpoints (AgentHttpServer with http.tls and the /invoke role rule) on 127.0.0.1, a
// coordinator in this process whose gateway holds `isawatt certs --gateway` and a gateway token,
// and FakeAgents advertising each endpoint with invoke_scheme "https" (or "http").
//   - client certificate of role gateway: 200; the same endpoint answers /healthz to an operator
//     certificate (Prometheus) but 403 to an operator or agent certificate on /invoke;
//   - token path: an endpoint with only http.gatewayTokenFile: 200 through the gateway; the
//     operator token (http.tokenFile) gets 403 on /invoke;
//   - a plain-HTTP endpoint still works through the same gateway;
//   - an endpoint certificate that does not name the address dialled: 503 saying so;
//   - a gateway without agent credentials: 503 naming the host and gateway.agentTls, one warning.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger, silentLogger, type Logger } from '@isawatt/common';
import { AgentHttpServer } from '../../packages/agent/src/http/server.js';
import { ControlClient } from '../../packages/coordinator/src/cli/control-client.js';
import { loadCoordinatorConfig } from '../../packages/coordinator/src/config.js';
import { buildCoordinator, type Coordinator } from '../../packages/coordinator/src/main.js';
import { FakeAgent, functionName } from '../helpers/fake-agent.js';
import { httpCall } from '../helpers/http-call.js';
import { eventually, runCli } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

interface Cleanup {
  after(fn: () => unknown): void;
}

interface Reply {
  status: number;
  body: string;
  host?: string | undefined;
}

/** POST (default) with a JSON body, as the gateway's callers send. */
async function call(url: string, opts: { method?: string; body?: string; ca?: Buffer; cert?: Buffer; key?: Buffer; token?: string } = {}): Promise<Reply> {
  const r = await httpCall(url, { ...opts, method: opts.method ?? 'POST', body: opts.body ?? '{}', headers: { 'content-type': 'application/json' } });
  return { status: r.status, body: r.body, host: r.headers['x-isawatt-host'] as string | undefined };
}

const errorOf = (r: Reply): string => (JSON.parse(r.body) as { error: string }).error;

/** A real agent endpoint: /healthz and POST /invoke/ answering {host, input}, behind http.tls / tokens. */
async function endpoint(
  t: Cleanup,
  hostId: string,
  security: ConstructorParameters<typeof AgentHttpServer>[0]['security'],
): Promise<{ port: number; scheme: string }> {
  const http = new AgentHttpServer({
    listen: '127.0.0.1:0',
    fallbackToEphemeral: false,
    security,
    log: silentLogger(),
    routes: [
      { method: 'GET', path: '/healthz', handle: (_req, res) => void res.writeHead(200).end('ok') },
      {
        method: 'POST',
        path: '/invoke/',
        handle: (req: IncomingMessage, res: ServerResponse) => {
          let body = '';
          req.on('data', (c: Buffer) => (body += c.toString()));
          req.on('end', () => {
            const out = JSON.stringify({ host: hostId, input: JSON.parse(body || 'null') as unknown });
            res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) }).end(out);
          });
        },
      },
    ],
  });
  await http.init();
  t.after(() => http.shutdown());
  return { port: http.address()?.port ?? 0, scheme: http.scheme };
}

/** Captures log lines (JSON) so that a test can count warnings. */
function capturingLogger(): { log: Logger; lines: () => Record<string, unknown>[] } {
  const out: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  return { log: createLogger({ name: 'test', level: 'warn', destination }), lines: () => out.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

async function coordinator(
  t: Cleanup,
  stateDir: string,
  gateway: Record<string, unknown>,
  log: Logger = silentLogger(),
): Promise<{ c: Coordinator; address: string; gport: number }> {
  const { config } = loadCoordinatorConfig({
    env: {},
    flags: { listen: '127.0.0.1:0', stateDir, insecure: true, 'gateway.listen': '127.0.0.1:0', ...gateway },
  });
  const c = buildCoordinator(config, log);
  for (const s of c.services) await s.init?.();
  t.after(async () => {
    for (const s of [...c.services].reverse()) await s.shutdown?.();
  });
  return { c, address: `127.0.0.1:${c.grpc.port}`, gport: c.gateway?.port ?? 0 };
}

/** FakeAgents advertising the endpoints, each running one function (fn-00<i> on host i). */
async function deploy(t: Cleanup, address: string, hosts: { id: string; port: number; scheme: 'http' | 'https' }[]): Promise<void> {
  for (const h of hosts) {
    const a = new FakeAgent({ address, hostId: h.id, functions: 4, functionCpus: 4, invokeAddress: `127.0.0.1:${h.port}`, invokeScheme: h.scheme });
    t.after(() => a.close());
    await a.attach();
  }
  const cc = new ControlClient({ address, tls: {}, insecure: false, deadlineMs: 5000 });
  t.after(() => cc.close());
  await eventually('hosts up', async () =>
    (await cc.listHosts()).hosts.filter((x) => x.state === 'HOST_STATE_UP').length === hosts.length ? true : undefined,
  );
  const dep = await cc.deploy({
    label: 'gateway tls',
    ack_timeout_ms: 5000,
    hosts: hosts.map((h, i) => ({ host_id: h.id, ack_timeout_ms: 5000, functions: [{ function: functionName(i), cores: 1, rate_rps: 10, arrival: '' }] })),
  });
  assert.ok(dep.ok, dep.error);
}

test('gateway → HTTPS agents: role gateway by certificate or token, 403 for other roles, clear 503s', async (t) => {
  const dir = await tempDir(t, 'isawatt-gateway-tls-');
  const pki = join(dir, 'pki');
  const made = await runCli([
    'certs',
    '--out',
    pki,
    '--agent',
    'h-mtls',
    '--operator',
    'prometheus',
    '--gateway',
    '--agent-endpoint',
    'h-mtls=127.0.0.1,localhost',
    '--agent-endpoint',
    'h-elsewhere=10.9.9.9',
  ]);
  assert.equal(made.code, 0, made.stderr);
  assert.match(made.stdout, /gateway\.pem/);
  const f = (name: string): string => join(pki, name);
  const ca = await readFile(f('ca.pem'));
  const gatewayToken = 'gateway-token-0123456789abcdef';
  const operatorToken = 'operator-token-0123456789abcdef';
  await writeFile(join(dir, 'gateway.token'), `${gatewayToken}\n`, { mode: 0o600 });
  await writeFile(join(dir, 'operator.token'), `${operatorToken}\n`, { mode: 0o600 });

  // Endpoints: client certificates only; tokens only (no CA); plain HTTP; a certificate for 10.9.9.9.
  const tls = (cert: string): { certFile: string; keyFile: string } => ({ certFile: f(`endpoint-${cert}.pem`), keyFile: f(`endpoint-${cert}-key.pem`) });
  const mtls = await endpoint(t, 'h-mtls', { tls: { ...tls('h-mtls'), caFile: f('ca.pem') } });
  const tokens = await endpoint(t, 'h-token', { tls: tls('h-mtls'), tokenFile: join(dir, 'operator.token'), gatewayTokenFile: join(dir, 'gateway.token') });
  const plain = await endpoint(t, 'h-plain', undefined);
  const misnamed = await endpoint(t, 'h-misnamed', { tls: { ...tls('h-elsewhere'), caFile: f('ca.pem') } });
  assert.deepEqual([mtls.scheme, tokens.scheme, plain.scheme, misnamed.scheme], ['https', 'https', 'http', 'https']);

  // The endpoint's own rules: any certificate of the CA reaches /healthz; /invoke only role gateway.
  const certOf = async (name: string): Promise<{ cert: Buffer; key: Buffer }> => ({
    cert: await readFile(f(`${name}.pem`)),
    key: await readFile(f(`${name}-key.pem`)),
  });
  const prometheus = await certOf('operator-prometheus');
  const agentCert = await certOf('agent-h-mtls');
  const gatewayCert = await certOf('gateway');
  const base = `https://127.0.0.1:${mtls.port}`;
  assert.equal((await call(`${base}/healthz`, { method: 'GET', ca, ...prometheus })).status, 200);
  for (const who of [prometheus, agentCert]) {
    const r = await call(`${base}/invoke/fn-000`, { ca, ...who });
    assert.equal(r.status, 403);
    assert.match(
      r.body,
      /forbidden: \/invoke\/ is for role gateway \(a client certificate with URI:urn:isawatt:role:gateway\); the caller presented a client certificate \(CN "(prometheus|h-mtls)"\) with role (operator|agent)/,
    );
  }
  assert.equal((await call(`${base}/invoke/fn-000`, { ca, ...gatewayCert })).status, 200);
  const tbase = `https://127.0.0.1:${tokens.port}`;
  assert.equal((await call(`${tbase}/healthz`, { method: 'GET', ca, token: operatorToken })).status, 200);
  const opToken = await call(`${tbase}/invoke/fn-001`, { ca, token: operatorToken });
  assert.equal(opToken.status, 403);
  assert.match(
    opToken.body,
    /is for role gateway \(.*or the token of http\.gatewayTokenFile\); the caller presented the token of http\.tokenFile \(role operator\)/,
  );
  assert.equal((await call(`${tbase}/invoke/fn-001`, { ca })).status, 401);

  // A gateway with the gateway certificate and token: each host as it advertises.
  const { address, gport } = await coordinator(t, join(dir, 'state-1'), {
    'gateway.agentTls.caFile': f('ca.pem'),
    'gateway.agentTls.certFile': f('gateway.pem'),
    'gateway.agentTls.keyFile': f('gateway-key.pem'),
    'gateway.agentTokenFile': join(dir, 'gateway.token'),
  });
  await deploy(t, address, [
    { id: 'h-mtls', port: mtls.port, scheme: 'https' },
    { id: 'h-token', port: tokens.port, scheme: 'https' },
    { id: 'h-plain', port: plain.port, scheme: 'http' },
    { id: 'h-misnamed', port: misnamed.port, scheme: 'https' },
  ]);
  const g = `http://127.0.0.1:${gport}/invoke`;
  for (const [i, host] of ['h-mtls', 'h-token', 'h-plain'].entries()) {
    for (let k = 0; k < 3; k++) {
      const r = await call(`${g}/${functionName(i)}`, { body: JSON.stringify({ k }) });
      assert.equal(r.status, 200, `${host}: ${r.body}`);
      assert.equal(r.host, host);
      assert.deepEqual(JSON.parse(r.body), { host, input: { k } });
    }
  }
  const wrongName = await call(`${g}/${functionName(3)}`);
  assert.equal(wrongName.status, 503);
  assert.match(errorOf(wrongName), /h-misnamed: credentials \(the agent's server certificate does not name 127\.0\.0\.1, the address it advertises/);

  // A gateway without agent credentials: 503 naming the host and what to set; warned once.
  const captured = capturingLogger();
  const second = await coordinator(t, join(dir, 'state-2'), {}, captured.log);
  await deploy(t, second.address, [{ id: 'h-mtls', port: mtls.port, scheme: 'https' }]);
  for (let k = 0; k < 3; k++) {
    const r = await call(`http://127.0.0.1:${second.gport}/invoke/${functionName(0)}`);
    assert.equal(r.status, 503);
    assert.match(
      errorOf(r),
      /h-mtls: credentials \(its endpoint is HTTPS and the gateway has no credentials for agents: set gateway\.agentTls\.caFile and gateway\.agentTls\.certFile\/keyFile/,
    );
  }
  const warnings = captured.lines().filter((l) => String(l.msg).startsWith('gateway cannot call host h-mtls'));
  assert.equal(warnings.length, 1, 'one warning per host, not one per call');
});

test('gateway agent credentials: bad files and incomplete pairs are config errors', async (t) => {
  const dir = await tempDir(t, 'isawatt-gateway-tls-cfg-');
  const load = (gateway: Record<string, unknown>): unknown =>
    loadCoordinatorConfig({ env: {}, flags: { listen: '127.0.0.1:0', stateDir: dir, insecure: true, 'gateway.listen': '127.0.0.1:0', ...gateway } });
  assert.throws(
    () => load({ 'gateway.agentTls.caFile': '/ca', 'gateway.agentTls.certFile': '/c' }),
    /gateway\.agentTls\.certFile and gateway\.agentTls\.keyFile go together/,
  );
  assert.throws(
    () => load({ 'gateway.agentTls.certFile': '/c', 'gateway.agentTls.keyFile': '/k' }),
    /gateway\.agentTls\.certFile needs gateway\.agentTls\.caFile/,
  );
  assert.throws(() => load({ 'gateway.agentTokenFile': '/t' }), /gateway\.agentTokenFile needs gateway\.agentTls\.caFile/);
  // Files are read at start: a missing CA and a token file others may read stop the gateway.
  const start = async (gateway: Record<string, unknown>): Promise<void> => {
    const { config } = loadCoordinatorConfig({
      env: {},
      flags: { listen: '127.0.0.1:0', stateDir: join(dir, 's'), insecure: true, 'gateway.listen': '127.0.0.1:0', ...gateway },
    });
    const c = buildCoordinator(config, silentLogger());
    try {
      for (const s of c.services) await s.init?.();
    } finally {
      for (const s of [...c.services].reverse()) await s.shutdown?.();
    }
  };
  await assert.rejects(
    start({ 'gateway.agentTls.caFile': join(dir, 'nope.pem'), 'gateway.agentTokenFile': join(dir, 'nope.token') }),
    /gateway.agentTls.caFile: cannot read .*nope\.pem \(ENOENT\)/,
  );
  const loose = join(dir, 'loose.token');
  await writeFile(loose, 'gateway-token-0123456789abcdef\n', { mode: 0o644 });
  await writeFile(join(dir, 'ca.pem'), 'not a certificate\n');
  await assert.rejects(
    start({ 'gateway.agentTls.caFile': join(dir, 'ca.pem'), 'gateway.agentTokenFile': loose }),
    /gateway\.agentTokenFile: .*has mode 0644.*chmod 600/,
  );
});
