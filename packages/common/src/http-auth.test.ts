// The guard of the daemons' HTTP listeners, on 127.0.0.1 (plain HTTP, tokens; client certificates
// are exercised in test/integration/security-http-tls and gateway-tls): each token has its role,
// a path reserved for a role answers 403 to the other role's valid token and 401 to no token, and
// the listener rule counts the gateway token as authentication off loopback.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createGuardedServer, httpListenerIssues } from './http-auth.js';

function post(port: number, path: string, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {}, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const KEYS = { tls: 'http.tls', token: 'http.tokenFile', gatewayToken: 'http.gatewayTokenFile' };
const RULES = [{ prefix: '/invoke/', roles: ['gateway' as const] }];

test('tokens have roles: /invoke/ takes the gateway token only, other paths any valid token', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'isawatt-http-auth-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const operator = 'operator-token-0123456789';
  const gateway = 'gateway-token-0123456789';
  writeFileSync(join(dir, 'op'), operator, { mode: 0o600 });
  writeFileSync(join(dir, 'gw'), gateway, { mode: 0o600 });
  const g = createGuardedServer({ tokenFile: join(dir, 'op'), gatewayTokenFile: join(dir, 'gw') }, KEYS, (_req, res) => void res.end('ok'), {}, RULES);
  assert.equal(g.auth, 'token or gateway-token');
  assert.deepEqual(g.unreachable, []);
  await new Promise<void>((r) => g.server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => g.server.close(() => r())));
  const port = (g.server.address() as AddressInfo).port;

  assert.equal((await post(port, '/metrics', operator)).status, 200);
  assert.equal((await post(port, '/metrics', gateway)).status, 200);
  assert.equal((await post(port, '/invoke/f', gateway)).status, 200);
  const wrongRole = await post(port, '/invoke/f', operator);
  assert.equal(wrongRole.status, 403);
  assert.equal(
    wrongRole.body,
    'forbidden: /invoke/ is for role gateway (a client certificate with URI:urn:isawatt:role:gateway, or the token of http.gatewayTokenFile); the caller presented the token of http.tokenFile (role operator)\n',
  );
  // Spellings that URL parsing (what the agent's router uses) turns into /invoke/f are held to the rule.
  for (const path of ['/./invoke/f', '/metrics/../invoke/f', '/x/%2e%2e/invoke/f']) {
    assert.equal(new URL(path, 'http://a').pathname, '/invoke/f', path);
    assert.equal((await post(port, path, operator)).status, 403, path);
  }
  // Backslashes would parse the same, but Node's HTTP parser refuses such a request line first.
  assert.equal((await post(port, '\\invoke\\f', operator)).status, 400);
  assert.equal((await post(port, '/invoke/f')).status, 401);
  assert.equal((await post(port, '/invoke/f', 'not-a-token-0123456789')).status, 401);

  // Only the operator token and no client CA: nobody can reach /invoke/, said for a warning.
  const only = createGuardedServer({ tokenFile: join(dir, 'op') }, KEYS, () => undefined, {}, RULES);
  assert.deepEqual(only.unreachable, ['/invoke/']);
  // No authentication at all (loopback default): no rule applies.
  assert.deepEqual(createGuardedServer({}, KEYS, () => undefined, {}, RULES).unreachable, []);
});

test('listener rule: the gateway token counts as authentication, never over plain HTTP off loopback', () => {
  const tls = { certFile: '/c', keyFile: '/k' };
  assert.deepEqual(httpListenerIssues('http.listen', '0.0.0.0:9478', { tls, gatewayTokenFile: '/g' }, false, KEYS), []);
  assert.deepEqual(httpListenerIssues('http.listen', '0.0.0.0:9478', { gatewayTokenFile: '/g' }, true, KEYS), [
    'http.tokenFile and/or http.gatewayTokenFile off loopback needs http.tls.certFile/keyFile: a bearer token over plain HTTP can be read on the network',
  ]);
  assert.match(
    httpListenerIssues('http.listen', '0.0.0.0:9478', { tls }, false, KEYS).join('\n'),
    /needs TLS \(http\.tls\.certFile, http\.tls\.keyFile\) and authentication \(http\.tls\.caFile for client certificates and\/or http\.tokenFile and\/or http\.gatewayTokenFile/,
  );
});
