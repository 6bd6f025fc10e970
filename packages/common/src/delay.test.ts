import { test } from 'node:test';
import assert from 'node:assert/strict';
import { delay } from './delay.js';

test('delay resolves true when the time has passed', async () => {
  assert.equal(await delay(1), true);
  assert.equal(await delay(1, new AbortController().signal), true);
});

test('delay resolves false when aborted, before or while waiting', async () => {
  const before = new AbortController();
  before.abort();
  assert.equal(await delay(60_000, before.signal), false);
  const during = new AbortController();
  const p = delay(60_000, during.signal);
  during.abort();
  assert.equal(await p, false);
});
