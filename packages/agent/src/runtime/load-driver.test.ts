// The drivers' arrival schedule and concurrency, against a scripted target. Assertions are on the
// scheduled due times and on counts in flight, never on how fast anything ran.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PoolRequest, SubmitOutcome } from './function-pool.js';
import { ClosedLoopDriver, OpenLoopDriver } from './load-driver.js';
import { waitUntil } from '../../../../test/helpers/wait-until.js';

const ok: SubmitOutcome = { status: 'ok', output: '{}', durationUs: 1 };
const req = (): { kind: 'seed'; payload: string } => ({ kind: 'seed', payload: '1' });

test('constant arrivals are due exactly 1000/R ms apart', async () => {
  const due: number[] = [];
  const d = new OpenLoopDriver({ submit: (r: PoolRequest) => (due.push(r.dueMs), Promise.resolve(ok)) }, 500, 'constant', req);
  await waitUntil('10 arrivals', () => due.length >= 10);
  await d.stop();
  assert.ok(due.length >= 10, `${due.length} arrivals`);
  for (let i = 1; i < due.length; i++) assert.ok(Math.abs((due[i] as number) - (due[i - 1] as number) - 2) < 1e-9);
  assert.equal(d.sent, due.length);
});

test('poisson arrivals use exponential gaps from the random source', async () => {
  const us = [0.5, 0.1, 0.9, 0.3];
  let i = 0;
  const random = (): number => us[i++ % us.length] as number;
  const due: number[] = [];
  const d = new OpenLoopDriver({ submit: (r: PoolRequest) => (due.push(r.dueMs), Promise.resolve(ok)) }, 100, 'poisson', req, random);
  await waitUntil('3 arrivals', () => due.length >= 3);
  await d.stop();
  assert.ok(due.length >= 3);
  // The first gap (start -> first arrival) used us[0]; arrival k -> k+1 uses us[k+1].
  for (let k = 1; k < due.length; k++) {
    const expected = -Math.log(1 - (us[k % us.length] as number)) * 10;
    assert.ok(Math.abs((due[k] as number) - (due[k - 1] as number) - expected) < 1e-9, `gap ${k}`);
  }
});

test('stop waits for requests in flight and generates nothing after', async () => {
  const pending: (() => void)[] = [];
  let submitted = 0;
  const d = new OpenLoopDriver(
    {
      submit: () => {
        submitted++;
        return new Promise<SubmitOutcome>((resolve) => pending.push(() => resolve(ok)));
      },
    },
    1000,
    'constant',
    req,
  );
  await waitUntil('a request in flight', () => submitted > 0);
  let stopped = false;
  const stopping = d.stop().then(() => (stopped = true));
  const atStop = submitted;
  // A check that something does NOT happen: stop must not resolve while answers are pending. A
  // fixed wait is the only way to give it the chance to (wrongly) resolve.
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(stopped, false, 'still waiting for answers');
  for (const p of pending) p();
  await stopping;
  assert.equal(submitted, atStop);
  assert.throws(() => new OpenLoopDriver({ submit: () => Promise.resolve(ok) }, 0, 'constant', req), /positive number of requests\/s/);
});

test('closed loop keeps exactly `concurrency` requests outstanding', async () => {
  let inFlight = 0;
  let maxInFlight = 0;
  let done = 0;
  const d = new ClosedLoopDriver(
    {
      submit: async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setImmediate(r));
        inFlight--;
        done++;
        return ok;
      },
    },
    3,
    req,
  );
  await waitUntil('3 requests done', () => done >= 3);
  await d.stop();
  assert.equal(maxInFlight, 3);
  assert.equal(inFlight, 0);
  assert.ok(done >= 3);
});

test('closed loop: stop withdraws its requests still waiting for a worker, and answers the rest', async () => {
  // A target with no free worker: every request waits until answered or withdrawn.
  const waiting = new Map<object, ((o: SubmitOutcome) => void)[]>();
  let withdrawnByOwner = 0;
  const target = {
    submit: (r: PoolRequest) =>
      new Promise<SubmitOutcome>((resolve) => {
        assert.ok(r.owner !== undefined, 'a closed-loop request names its driver');
        waiting.set(r.owner, [...(waiting.get(r.owner) ?? []), resolve]);
      }),
    withdraw: (owner: object) => {
      const list = waiting.get(owner) ?? [];
      waiting.delete(owner);
      for (const resolve of list) resolve({ status: 'unavailable', message: 'withdrawn' });
      withdrawnByOwner += list.length;
      return list.length;
    },
  };
  const d = new ClosedLoopDriver(target, 4, req);
  await new Promise((r) => setImmediate(r));
  const stopping = d.stop();
  assert.equal(withdrawnByOwner, 4, 'the 4 waiting requests were withdrawn at stop');
  await stopping;
  assert.equal(d.sent, 4, 'none sent after the stop');
});

test('open loop: stop withdraws its requests still waiting for a worker, and answers the rest', async () => {
  // One request is with a worker (answered at stop), the others wait in the queue.
  const waiting: { owner: object | undefined; resolve: (o: SubmitOutcome) => void }[] = [];
  let withdrawn = 0;
  const target = {
    submit: (r: PoolRequest) =>
      new Promise<SubmitOutcome>((resolve) => {
        assert.ok(r.owner !== undefined, 'an open-loop request names its driver');
        waiting.push({ owner: r.owner, resolve });
      }),
    withdraw: (owner: object) => {
      const mine = waiting.filter((w) => w.owner === owner).slice(1); // the first is with a worker
      for (const w of mine) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve({ status: 'unavailable', message: 'withdrawn' });
      }
      withdrawn += mine.length;
      return mine.length;
    },
  };
  const d = new OpenLoopDriver(target, 1000, 'constant', req);
  await new Promise((r) => setTimeout(r, 30));
  const sent = d.sent;
  assert.ok(sent >= 3, `a backlog of ${sent} requests`);
  let stopped = false;
  const stopping = d.stop().then(() => (stopped = true));
  assert.equal(withdrawn, sent - 1, 'every waiting request but the one a worker holds withdrawn at stop');
  await new Promise((r) => setImmediate(r));
  assert.equal(stopped, false, 'stop waits for the request a worker holds');
  waiting.shift()?.resolve(ok);
  await stopping;
  assert.equal(d.sent, sent, 'none sent after the stop');
});
