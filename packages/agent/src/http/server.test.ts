import { ExitError, silentLogger } from '@isawatt/common';
import { connect, type Socket } from 'node:net';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { TelemetrySource, TickSnapshot } from '../telemetry/snapshot.js';
import { healthzRoute } from './healthz.js';
import { AgentHttpServer, sendJson } from './server.js';

async function started(
  t: { after(fn: () => Promise<void>): void },
  listen = '127.0.0.1:0',
  fallback = false,
): Promise<{ server: AgentHttpServer; base: string }> {
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
  await assert.rejects(
    third.init(),
    (err: ExitError) =>
      err instanceof ExitError && err.exitCode === 2 && new RegExp(`http\\.listen: cannot listen on 127\\.0\\.0\\.1:${port}: address in use`).test(err.message),
  );
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

test('4,000 half-open connections: at most maxConnections are held, and every one is closed by the headers timeout', async (t) => {
  const server = new AgentHttpServer({
    listen: '127.0.0.1:0',
    fallbackToEphemeral: false,
    log: silentLogger(),
    limits: { headersTimeoutMs: 1000, checkIntervalMs: 200, maxConnections: 200 },
  });
  await server.init();
  t.after(() => server.shutdown());
  server.addRoute({ method: 'GET', path: '/ok', handle: (_q, res) => sendJson(res, 200, { ok: true }) });
  const port = server.address()?.port ?? 0;
  const sockets: Socket[] = [];
  t.after(() => {
    for (const s of sockets) s.destroy();
  });
  let closed = 0;
  // In batches of 250, so the kernel's accept queue (not the server) never overflows.
  for (let batch = 0; batch < 16; batch++) {
    await Promise.all(
      Array.from(
        { length: 250 },
        (_, j) =>
          new Promise<void>((resolve) => {
            const i = batch * 250 + j;
            const s = connect(port, '127.0.0.1');
            sockets.push(s);
            s.on('error', () => undefined);
            s.once('close', () => closed++);
            // Half of them start a request and never finish its headers; half send nothing at all.
            s.once('connect', () => {
              if (i % 2 === 0) s.write('GET /ok HTTP/1.1\r\nHost: x\r\n');
              resolve();
            });
            s.once('close', () => resolve());
          }),
      ),
    );
    await new Promise((r) => setTimeout(r, 20));
  }
  const connections = (): Promise<number> =>
    new Promise<number>((resolve, reject) =>
      (server as unknown as { server: { getConnections(cb: (e: Error | null, n: number) => void): void } }).server.getConnections((e, n) =>
        e ? reject(e) : resolve(n),
      ),
    );
  assert.ok((await connections()) <= 200, 'at most maxConnections held');
  // The server closes what it holds: over the cap at once, the rest by the headers timeout. (The
  // client side may miss a few FINs for sockets the kernel never handed to the server.)
  const deadline = Date.now() + 30_000;
  while ((await connections()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.equal(await connections(), 0, `the server holds no half-open connection (${closed} of 4000 seen closed by the client so far)`);
  // The server still serves a well-behaved client.
  assert.equal((await fetch(`http://127.0.0.1:${port}/ok`)).status, 200);
});
