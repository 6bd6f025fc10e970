import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from './backoff.js';

test('backoff grows by the multiplier, caps, and resets', () => {
  const b = new Backoff({ initialMs: 100, multiplier: 2, maxMs: 500, jitter: 0, random: () => 0.5 });
  assert.deepEqual(
    [1, 2, 3, 4, 5].map(() => b.nextDelayMs()),
    [100, 200, 400, 500, 500],
  );
  assert.equal(b.attempts, 5);
  b.reset();
  assert.equal(b.nextDelayMs(), 100);
});

test('jitter stays within +/- the configured fraction', () => {
  const lo = new Backoff({ initialMs: 1000, jitter: 0.2, random: () => 0 });
  const hi = new Backoff({ initialMs: 1000, jitter: 0.2, random: () => 0.999999 });
  assert.equal(lo.nextDelayMs(), 800);
  assert.equal(hi.nextDelayMs(), 1200);
});
