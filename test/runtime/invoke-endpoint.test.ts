// The invoke endpoint end to end: a real HTTP server on 127.0.0.1, the real runtime, pinned workers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '@isawatt/common';
import { createInvokeHandler } from '../../packages/agent/src/runtime/invoke-handler.js';
import { makeRuntime, skipReason, waitFor } from './helpers.js';

/** test-native's timeoutMs, from its function.yaml: when the runtime kills the hung call. */
const TEST_NATIVE_TIMEOUT_MS = Number(
  /^timeoutMs:\s*(\d+)\s*$/m.exec(readFileSync(new URL('../../functions/test-native/function.yaml', import.meta.url), 'utf8'))?.[1],
);

test('POST /invoke/<fn> reaches the pinned workers; 404, 413, 503, 504 as documented', { skip: skipReason }, async (t) => {
  // One worker and room for one waiting request, so capacity runs out on purpose.
  const { rt } = await makeRuntime(t, { queuePerWorker: 1 });
  const r = await rt.apply({ version: 1n, functions: [{ function: 'test-native', cores: 1, rateRps: 0, arrival: 'constant' }] });
  assert.ok(r.ok, r.ok ? '' : r.error);
  const handler = createInvokeHandler(rt, silentLogger());
  // Requests the handler has handed to the runtime: it invokes on the body's 'end', and this listener,
  // added after its own, runs right after that call. The capacity check below waits for these events.
  let handedOver = 0;
  const server = createServer((req, res) => {
    if (!handler(req, res)) {
      res.writeHead(404);
      res.end();
      return;
    }
    req.on('end', () => handedOver++);
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  t.after(() => new Promise<void>((res) => server.close(() => res())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/invoke/`;
  const post = (fn: string, body: unknown): Promise<Response> =>
    fetch(url + fn, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });

  const ok = await post('test-native', { op: 'echo', v: [1, 2, 3] });
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { op: 'echo', v: [1, 2, 3] });
  const failed = await post('test-native', { op: 'fail' });
  assert.equal(failed.status, 500);
  assert.deepEqual(await failed.json(), { error: 'requested failure' });
  assert.equal((await post('test-python', {})).status, 404, 'in the catalogue but not running here');
  assert.equal((await post('ghost', {})).status, 404);
  assert.equal((await post('test-native', { pad: 'x'.repeat(70_000) })).status, 413);

  // A hung call occupies the only worker; one request may wait; the next finds no capacity.
  // Each request is sent once the previous one is in the runtime (not after a time that stands for it).
  // The waiting one goes in half a function timeout after the hung one, on purpose: the hung call is
  // killed at its timeout and a replacement worker starts, and a request that has itself waited a
  // whole timeout without a worker is dropped (503). Sent right after the hung call, it expired
  // within a few ms of the kill, before the replacement was up (a failure seen in a full run); half
  // a timeout leaves 1 s for the replacement to start and 1 s for the refused request to find the
  // queue still full.
  assert.ok(TEST_NATIVE_TIMEOUT_MS > 0, 'timeoutMs in functions/test-native/function.yaml');
  const base = handedOver;
  const hung = post('test-native', { op: 'hang' });
  await waitFor('the hung call to reach the runtime', () => handedOver > base);
  await new Promise((res) => setTimeout(res, TEST_NATIVE_TIMEOUT_MS / 2));
  const waiting = post('test-native', { op: 'echo', n: 1 });
  await waitFor('the waiting call to reach the runtime', () => handedOver > base + 1);
  const refused = await post('test-native', { op: 'echo', n: 2 });
  assert.equal(refused.status, 503);
  assert.match(((await refused.json()) as { error: string }).error, /queue full/);
  // Every request that reached the running function has arrived, whatever becomes of it (the
  // offered load a run reports): echo, fail, the hung, the waiting and the refused one; not the 413.
  assert.equal(rt.totals('test-native')?.arrived, 5);
  assert.equal((await hung).status, 504);
  const after = await waiting;
  assert.equal(after.status, 200, 'the waiting request is served by the replacement worker');
  assert.deepEqual(await after.json(), { op: 'echo', n: 1 });
});
