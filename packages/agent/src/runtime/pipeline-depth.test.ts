// How many requests a worker holds at once (function-pool.ts pipelineDepth): a carrier covers the
// agent's round trip and no more, so that a slow function's pipe is not minutes of queued work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pipelineDepth } from './function-pool.js';

test('pipeline depth: one per plain worker; a carrier covers the round trip at its handler time', () => {
  assert.equal(pipelineDepth(false, 32, 1), 1);
  assert.equal(pipelineDepth(true, 32, undefined), 2, 'before any answer: 2 (a slow function would hold what it was sent)');
  assert.equal(pipelineDepth(true, 4, 0.3), 4, 'never more than its CPUs');
  assert.equal(pipelineDepth(true, 32, 0.3), 16, 'a fast function (jwt-node) keeps the most');
  assert.equal(pipelineDepth(true, 32, 50), 3);
  assert.equal(pipelineDepth(true, 32, 6000), 2, 'a slow function (video-gif-node): one running, one waiting');
  assert.equal(pipelineDepth(true, 1, 6000), 1, 'one CPU: one at a time');
});
