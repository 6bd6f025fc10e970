// How many requests a worker holds at once (function-pool.ts pipelineDepth): a carrier covers the
// agent's round trip and no more, so that a slow function's pipe is not minutes of queued work;
// woken after running out of work, it is handed up to one CFS run's worth at once (wakeBatch).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pipelineDepth, wakeBatch } from './function-pool.js';

test('pipeline depth: one per plain worker; a carrier covers the round trip at its handler time', () => {
  assert.equal(pipelineDepth(false, 32, 1), 1);
  assert.equal(pipelineDepth(true, 32, undefined), 2, 'before any answer: 2 (a slow function would hold what it was sent)');
  assert.equal(pipelineDepth(true, 4, 0.3), 4, 'never more than its CPUs');
  assert.equal(pipelineDepth(true, 32, 0.3), 16, 'a fast function (jwt-node) keeps the most');
  assert.equal(pipelineDepth(true, 32, 50), 3);
  assert.equal(pipelineDepth(true, 32, 6000), 2, 'a slow function (video-gif-node): one running, one waiting');
  assert.equal(pipelineDepth(true, 1, 6000), 1, 'one CPU: one at a time');
});

test('wake batch: a run of 20 ms worth of requests at the handler time, at least the depth, at most 64', () => {
  assert.equal(wakeBatch(6, 20, 0.5), 40, 'jwt-node on a carrier of 6: a run holds 40 executions');
  assert.equal(wakeBatch(6, 20, 0.1), 64, 'bounded');
  assert.equal(wakeBatch(3, 20, 50), 3, 'a slow function: its depth (one execution fills a run)');
  assert.equal(wakeBatch(2, undefined, 0.5), 2, 'no CPU share: its depth');
  assert.equal(wakeBatch(2, 20, undefined), 2, 'before any answer: its depth');
});
