// Security: the HTTP listeners (/metrics of the coordinator, the agent's endpoint) with TLS and
// authentication, exercised on 127.0.0.1 with the settings an off-loopback listener must have:
// HTTPS with a certificate from `isawatt certs`, callers proven by a client certificate from the
// cluster CA or by a bearer token (what a Prometheus scrape config sends). Without credentials the
// answer is 401 (or no TLS handshake at all when only client certificates are accepted); plain
// HTTP off loopback is still refused at config time, and a token file others can read is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger } from '@isawatt/common';
import { AgentHttpServer } from '../../packages/agent/src/http/server.js';
import { loadAgentConfig } from '../../packages/agent/src/config.js';
import { loadCoordinatorConfig } from '../../packages/coordinator/src/config.js';
import { buildCoordinator } from '../../packages/coordinator/src/main.js';
import { httpCall } from '../helpers/http-call.js';
import { runCli } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

interface Answer {
  status: number;
  body: string;
  auth: string | undefined;
}

async function get(url: string, opts: { ca?: Buffer; cert?: Buffer; key?: Buffer; token?: string } = {}): Promise<Answer> {
  const r = await httpCall(url, opts);
  return { status: r.status, body: r.body, auth: r.headers['www-authenticate'] };
}

test('/metrics and the agent endpoint: HTTPS with a client certificate or a bearer token', async (t) => {
  const dir = await tempDir(t, 'isawatt-http-tls-');
  const pki = join(dir, 'pki');
  const made = await runCli(['certs', '--out', pki, '--coordinator-name', '127.0.0.1,localhost', '--agent', 'xeon-1', '--operator', 'prometheus']);
  assert.equal(made.code, 0, made.stderr);
  const ca = await readFile(join(pki, 'ca.pem'));
  const clientCert = await readFile(join(pki, 'operator-prometheus.pem'));
  const clientKey = await readFile(join(pki, 'operator-prometheus-key.pem'));
  const token = 'scrape-token-0123456789abcdef';
  const tokenFile = join(dir, 'metrics.token');
  await writeFile(tokenFile, `${token}\n`, { mode: 0o600 });

  // Coordinator /metrics: HTTPS, client certificates from the cluster CA or the bearer token.
  const { config } = loadCoordinatorConfig({
    env: {},
    flags: {
      listen: '127.0.0.1:0',
      stateDir: join(dir, 'state'),
      insecure: true,
      metricsListen: '127.0.0.1:0',
      'metricsTls.certFile': join(pki, 'coordinator.pem'),
      'metricsTls.keyFile': join(pki, 'coordinator-key.pem'),
      'metricsTls.caFile': join(pki, 'ca.pem'),
      metricsTokenFile: tokenFile,
    },
  });
  const c = buildCoordinator(config, silentLogger());
  for (const s of c.services) await s.init?.();
  t.after(async () => {
    for (const s of [...c.services].reverse()) await s.shutdown?.();
  });
  const url = `https://127.0.0.1:${c.metrics?.port}/metrics`;
  const anonymous = await get(url, { ca });
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.auth, 'Bearer');
  assert.equal((await get(url, { ca, token: 'wrong-token-0123456789abcdef' })).status, 401);
  const byToken = await get(url, { ca, token });
  assert.equal(byToken.status, 200);
  assert.match(byToken.body, /^isawatt_coordinator_hosts\{state="up"\} 0$/m);
  const byCert = await get(url, { ca, cert: clientCert, key: clientKey });
  assert.equal(byCert.status, 200);
  // Plain HTTP to the HTTPS port gets no metrics.
  await assert.rejects(get(`http://127.0.0.1:${c.metrics?.port}/metrics`), /socket hang up|ECONNRESET|Parse Error/);

  // The agent endpoint with client certificates only: no certificate, no TLS handshake.
  const agentHttp = new AgentHttpServer({
    listen: '127.0.0.1:0',
    fallbackToEphemeral: false,
    security: { tls: { certFile: join(pki, 'coordinator.pem'), keyFile: join(pki, 'coordinator-key.pem'), caFile: join(pki, 'ca.pem') } },
    log: silentLogger(),
    routes: [{ method: 'GET', path: '/healthz', handle: (_req, res) => void res.writeHead(200).end('ok') }],
  });
  await agentHttp.init();
  t.after(() => agentHttp.shutdown?.());
  const agentUrl = `https://127.0.0.1:${agentHttp.address()?.port}/healthz`;
  await assert.rejects(get(agentUrl, { ca }), /certificate required|alert|socket hang up|ECONNRESET/);
  assert.equal((await get(agentUrl, { ca, cert: clientCert, key: clientKey })).status, 200);

  // A token file that group or others may read is refused, naming the file and the fix.
  const loose = join(dir, 'loose.token');
  await writeFile(loose, `${token}\n`);
  await chmod(loose, 0o644);
  const looseServer = new AgentHttpServer({ listen: '127.0.0.1:0', fallbackToEphemeral: false, security: { tokenFile: loose }, log: silentLogger() });
  await assert.rejects(looseServer.init(), (err: Error) => err.message.includes(`${loose} has mode 0644`) && err.message.includes(`chmod 600 ${loose}`));
  await looseServer.shutdown?.();

  // Off loopback, plain HTTP is still refused for both daemons.
  assert.throws(
    () =>
      loadCoordinatorConfig({
        env: {},
        flags: {
          listen: '127.0.0.1:7000',
          stateDir: dir,
          insecure: false,
          'tls.caFile': '/ca',
          'tls.certFile': '/c',
          'tls.keyFile': '/k',
          metricsListen: '0.0.0.0:9477',
        },
      }),
    /metricsListen 0\.0\.0\.0:9477 is off loopback: it needs TLS/,
  );
  assert.throws(
    () => loadAgentConfig({ hostname: 'h', flags: { coordinator: '127.0.0.1:7000', 'http.listen': '0.0.0.0:9478' } }),
    /http\.listen 0\.0\.0\.0:9478 is off loopback: it needs TLS/,
  );
});
