import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Outbox } from './outbox.js';

const msg = (topic: string, payload: string, retain = false) => ({ topic, payload, qos: 0 as const, retain });

test('a full queue drops its oldest non-retained message and counts it', () => {
  const o = new Outbox(3);
  for (let i = 1; i <= 5; i++) o.push(msg('t', String(i)));
  assert.deepEqual(o.stats(), { queued: 3, retainedPending: 0, retainedTopics: 0, dropped: 2 });
  assert.deepEqual([o.shift()?.payload, o.shift()?.payload, o.shift()?.payload, o.shift()], ['3', '4', '5', undefined]);
  assert.equal(o.isEmpty, true);
});

test('retained messages are never dropped, keep the latest per topic, go first, and come back after a reconnect', () => {
  const o = new Outbox(2);
  o.push(msg('a', '1'));
  o.push(msg('state', 'v1', true));
  o.push(msg('b', '2'));
  o.push(msg('c', '3'));
  o.push(msg('state', 'v2', true));
  assert.equal(o.stats().dropped, 1);
  assert.deepEqual(o.shift(), msg('state', 'v2', true));
  assert.equal(o.shift()?.payload, '2');
  assert.equal(o.shift()?.payload, '3');
  assert.equal(o.shift(), undefined);
  o.markAllRetainedPending();
  assert.equal(o.shift()?.payload, 'v2');
  o.retryRetained('state');
  assert.equal(o.stats().retainedPending, 1);
  assert.equal(o.retainedPayload('state'), 'v2');
});

test('capacity must be a positive integer', () => {
  assert.throws(() => new Outbox(0), /expected an integer >= 1/);
});
