// The invoke endpoint's HTTP mapping, on a real server on 127.0.0.1 with a scripted target (the
// end-to-end path through real workers is in test/runtime/invoke-endpoint.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '@isawatt/common';
import { createInvokeHandler, type InvokeTarget } from './invoke-handler.js';
import type { InvokeResult } from './local-function-runtime.js';

async function serve(target: InvokeTarget): Promise<{ url: string; server: Server }> {
  const handler = createInvokeHandler(target, silentLogger());
  const server = createServer((req, res) => {
    if (!handler(req, res)) {
      res.writeHead(418);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

test('maps outcomes to HTTP statuses', async (t) => {
  const seen: string[] = [];
  const outcomes: Record<string, InvokeResult> = {
    ok: { status: 'ok', output: '{"y":2}', durationUs: 5 },
    fail: { status: 'error', message: 'boom', durationUs: 5 },
    slow: { status: 'timeout', message: 'no answer within 10 ms' },
    full: { status: 'dropped', message: 'queue full' },
    dead: { status: 'crash', message: 'worker killed by SIGSEGV' },
  };
  const { url, server } = await serve({
    maxInputBytes: (fn) => (fn in outcomes ? 16 : undefined),
    invoke: (fn, input) => {
      seen.push(input);
      return Promise.resolve(outcomes[fn] as InvokeResult);
    },
  });
  t.after(() => server.close());
  const post = (path: string, body: string): Promise<Response> => fetch(url + path, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

  const ok = await post('/invoke/ok', '{ "x" :\n 1 }');
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), '{"y":2}');
  assert.equal(seen[0], '{"x":1}', 'input re-serialised on one line');
  assert.equal((await post('/invoke/fail', '{}')).status, 500);
  assert.equal((await post('/invoke/slow', '{}')).status, 504);
  assert.equal((await post('/invoke/full', '{}')).status, 503);
  assert.equal((await post('/invoke/dead', '{}')).status, 502);
  const unknown = await post('/invoke/nope', '{}');
  assert.equal(unknown.status, 404);
  assert.match(((await unknown.json()) as { error: string }).error, /"nope" is not running/);
  assert.equal((await post('/invoke/ok', 'not json')).status, 400);
  const big = await post('/invoke/ok', JSON.stringify({ pad: 'x'.repeat(100) }));
  assert.equal(big.status, 413);
  assert.match(((await big.json()) as { error: string }).error, /exceeds maxInputBytes 16/);
  assert.equal((await fetch(url + '/invoke/ok')).status, 405);
  assert.equal((await fetch(url + '/other')).status, 418, 'other paths are left to the server');
  assert.equal(seen.length, 5, 'refused requests never reach a worker');
});
