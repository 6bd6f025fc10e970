import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runServices, type Service } from './lifecycle.js';
import { silentLogger } from './logger.js';

test('first service to finish stops the others; every shutdown runs in reverse order', async () => {
  const events: string[] = [];
  const waiter = (name: string): Service => ({
    name,
    init: () => {
      events.push(`init ${name}`);
      return Promise.resolve();
    },
    run: (signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true })),
    shutdown: () => {
      events.push(`shutdown ${name}`);
      return Promise.resolve();
    },
  });
  const quick: Service = { name: 'quick', run: () => Promise.resolve() };
  const reason = await runServices([waiter('a'), waiter('b'), quick], { log: silentLogger(), handleSignals: false });
  assert.equal(reason, 'quick finished');
  assert.deepEqual(events, ['init a', 'init b', 'shutdown b', 'shutdown a']);
});

test('a failing init shuts down what started and rethrows', async () => {
  const events: string[] = [];
  const ok: Service = {
    name: 'ok',
    run: () => Promise.resolve(),
    shutdown: () => {
      events.push('shutdown ok');
      return Promise.resolve();
    },
  };
  const bad: Service = { name: 'bad', init: () => Promise.reject(new Error('boom')), run: () => Promise.resolve() };
  await assert.rejects(runServices([ok, bad], { log: silentLogger(), handleSignals: false }), /boom/);
  assert.deepEqual(events, ['shutdown ok']);
});

test('a failing run aborts the rest and reports which service failed', async () => {
  let aborted = false;
  const waiter: Service = {
    name: 'waiter',
    run: (signal) =>
      new Promise((resolve) =>
        signal.addEventListener(
          'abort',
          () => {
            aborted = true;
            resolve();
          },
          { once: true },
        ),
      ),
  };
  const failing: Service = { name: 'failing', run: () => Promise.reject(new Error('nope')) };
  const reason = await runServices([waiter, failing], { log: silentLogger(), handleSignals: false });
  assert.equal(reason, 'failing failed');
  assert.equal(aborted, true);
});
