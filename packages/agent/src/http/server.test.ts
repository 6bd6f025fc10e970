import { silentLogger } from '@isawatt/common';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { TelemetrySource, TickSnapshot } from '../telemetry/snapshot.js';
import { healthzRoute } from './healthz.js';
import { AgentHttpServer, sendJson } from './server.js';

async function started(t: { after(fn: () => Promise<void>): void }, listen = '127.0.0.1:0', fallback = false): Promise<{ server: AgentHttpServer; base: string }> {
  const server = new AgentHttpServer({ listen, fallbackToEphemeral: fallback, log: silentLogger() });
  await server.init();
  t.after(() => server.shutdown());
  const a = server.address();
  assert.ok(a);
  return { server, base: `http://127.0.0.1:${a.port}` };
}

test('routes by exact path and by prefix; 404 and 405 otherwise', async (t) => {
  const { server, base } = await started(t);
  server.addRoute({ method: 'POST', path: '/invoke/', handle: (_q, res, rest) => sendJson(res, 200, { fn: rest }) });
  server.addRoute({ method: 'GET', path: '/boom', handle: () => Promise.reject(new Error('kaput')) });
  assert.deepEqual(await (await fetch(`${base}/invoke/jwt-node`, { method: 'POST' })).json(), { fn: 'jwt-node' });
  const notFound = await fetch(`${base}/nope`);
  assert.equal(notFound.status, 404);
  const wrong = await fetch(`${base}/invoke/x`);
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers.get('allow'), 'POST');
  const boom = await fetch(`${base}/boom`);
  assert.equal(boom.status, 500);
  assert.deepEqual(await boom.json(), { error: 'kaput' });
  assert.throws(() => server.addRoute({ method: 'GET', path: '/boom', handle: () => undefined }), /registered twice/);
});

test('a taken default port falls back to an ephemeral one; a taken explicit port is an error', async (t) => {
  const { server: first } = await started(t);
  const port = first.address()?.port ?? 0;
  const { server: second } = await started(t, `127.0.0.1:${port}`, true);
  assert.notEqual(second.address()?.port, port);
  const third = new AgentHttpServer({ listen: `127.0.0.1:${port}`, fallbackToEphemeral: false, log: silentLogger() });
  await assert.rejects(third.init(), new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: EADDRINUSE`));
});

test('/healthz is 200 while ticks are fresh and 503 when the loop is stuck', async (t) => {
  const { server, base } = await started(t);
  let now = 10_000;
  const snap = { seq: 4n, timestampMs: 9_500 } as TickSnapshot;
  const telemetry = Object.assign(new EventEmitter(), { snapshot: () => snap }) as unknown as TelemetrySource;
  server.addRoute(healthzRoute({ telemetry, tickIntervalMs: () => 1000, nowMs: () => now, startedAtMs: 0, details: () => ({ coordinatorConnected: false }) }));
  const ok = await fetch(`${base}/healthz`);
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { status: 'ok', lastSeq: '4', lastTickAgeMs: 500, coordinatorConnected: false });
  now = 20_000;
  const stale = await fetch(`${base}/healthz`);
  assert.equal(stale.status, 503);
  assert.equal(((await stale.json()) as { status: string }).status, 'stale');
});
