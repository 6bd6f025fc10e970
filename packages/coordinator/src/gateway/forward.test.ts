// One gateway attempt against real HTTP servers on 127.0.0.1: an answer is relayed, a refusal
// (503) is told apart, a host that never answers times out through the shared deadline timer.
import assert from 'node:assert/strict';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { attempt, Deadlines } from './forward.js';

async function serve(t: { after: (fn: () => unknown) => void }, handler: Parameters<typeof createServer>[1]): Promise<number> {
  const s: Server = createServer(handler);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        s.closeAllConnections();
        s.close(() => resolve());
      }),
  );
  return (s.address() as AddressInfo).port;
}

test('attempt: answer, refusal, and a timeout from the shared deadline timer', async (t) => {
  const pool = new Agent({ keepAlive: true, maxSockets: 4 });
  const up = { pool, request, headers: { 'content-type': 'application/json' } };
  const deadlines = new Deadlines(5);
  t.after(() => {
    pool.destroy();
    deadlines.close();
  });
  const ok = await serve(t, (req, res) => {
    req.resume();
    req.on('end', () => res.end('{"ok":true}'));
  });
  const refusing = await serve(t, (req, res) => {
    req.resume();
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end('{"error":"no capacity"}');
  });
  const forbidding = await serve(t, (req, res) => {
    req.resume();
    res.writeHead(403, { 'content-type': 'text/plain' });
    res.end('forbidden: /invoke/ is for role gateway\n');
  });
  const silent = await serve(t, (req) => req.resume());
  const body = Buffer.from('{}');

  const a = await attempt(up, { host: '127.0.0.1', port: ok }, '/invoke/f', body, 2000, deadlines);
  assert.equal(a.kind, 'response');
  if (a.kind === 'response') {
    let text = '';
    for await (const c of a.res) text += String(c);
    assert.equal(text, '{"ok":true}');
  }
  const r = await attempt(up, { host: '127.0.0.1', port: refusing }, '/invoke/f', body, 2000, deadlines);
  assert.deepEqual(r, { kind: 'refused', status: 503, detail: '503 no capacity' });
  // The agent's guard refusing the gateway's credential is not a host being down: named as such.
  const f = await attempt(up, { host: '127.0.0.1', port: forbidding }, '/invoke/f', body, 2000, deadlines);
  assert.deepEqual(f, { kind: 'credentials', detail: 'the agent did not let the gateway in: 403 forbidden: /invoke/ is for role gateway' });
  const s = await attempt(up, { host: '127.0.0.1', port: silent }, '/invoke/f', body, 50, deadlines);
  assert.deepEqual(s, { kind: 'timeout', detail: 'no answer within 50 ms' });
});
