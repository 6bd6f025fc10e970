// How many requests a worker holds at once (function-pool.ts pipelineDepth): a carrier covers the
// agent's round trip at its typical handler time (handler-times.ts) and no more, so that a slow
// function's pipe is not minutes of queued work; woken after running out of work, it is handed up to
// one CFS run's worth at once (wakeBatch).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pipelineDepth, wakeBatch } from './function-pool.js';
import { HANDLER_SAMPLES, HandlerTimes } from './handler-times.js';

test('pipeline depth: one per plain worker; a carrier covers the round trip at its handler time', () => {
  assert.equal(pipelineDepth(false, 32, 1), 1);
  assert.equal(pipelineDepth(true, 32, undefined), 2, 'before any answer: 2 (a slow function would hold what it was sent)');
  assert.equal(pipelineDepth(true, 8, 0.5), 32, 'jwt-node on a carrier of 8: the most, not 8 (3-4 ms of work)');
  assert.equal(pipelineDepth(true, 4, 0.15), 32, 'html-node on a carrier of 4: not bounded by its CPUs');
  assert.equal(pipelineDepth(true, 32, 50), 3);
  assert.equal(pipelineDepth(true, 32, 6000), 2, 'a slow function (video-gif-node): one running, one waiting');
  assert.equal(pipelineDepth(true, 1, 6000), 1, 'one CPU: one at a time');
  assert.equal(pipelineDepth(true, 1, 0.5), 1, 'one CPU: one at a time, however fast');
});

test('handler times: a throttle-cut answer does not shrink the pipe', () => {
  const times = new HandlerTimes();
  assert.equal(times.typicalMs, undefined, 'no answer yet');
  for (let i = 0; i < 40; i++) times.note(0.5);
  // One answer in a 20 ms run is cut by the carrier's CFS throttle and reads a whole period.
  times.note(500);
  assert.equal(times.typicalMs, 0.5);
  assert.equal(pipelineDepth(true, 8, times.typicalMs), 32, 'the depth right after the throttle');
  // A running mean weighting the newest answer 0.2 (what sized the pipe before) read ~100 ms here.
  assert.equal(pipelineDepth(true, 8, 0.5 + 0.2 * (500 - 0.5)), 2);
});

test('handler times: the median follows a change of handler time within its window', () => {
  const times = new HandlerTimes();
  for (let i = 0; i < HANDLER_SAMPLES; i++) times.note(1);
  for (let i = 0; i < HANDLER_SAMPLES / 2; i++) times.note(50);
  assert.equal(times.typicalMs, 50, 'half the window is the new time: the median has moved');
  for (let i = 0; i < HANDLER_SAMPLES; i++) times.note(2);
  assert.equal(times.typicalMs, 2, 'the old answers have left the window');
});

test('handler times: a malformed duration is no handler time', () => {
  const times = new HandlerTimes();
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, -1]) times.note(bad);
  assert.equal(times.typicalMs, undefined);
  for (let i = 0; i < HANDLER_SAMPLES; i++) times.note(i % 2 === 0 ? 1 : Number.NaN);
  assert.equal(times.typicalMs, 1);
});

test('wake batch: a run of 20 ms worth of requests at the handler time, at least the depth, at most 64', () => {
  assert.equal(wakeBatch(6, 20, 0.5), 40, 'jwt-node on a carrier of 6: a run holds 40 executions');
  assert.equal(wakeBatch(6, 20, 0.1), 64, 'bounded');
  assert.equal(wakeBatch(3, 20, 50), 3, 'a slow function: its depth (one execution fills a run)');
  assert.equal(wakeBatch(2, undefined, 0.5), 2, 'no CPU share: its depth');
  assert.equal(wakeBatch(2, 20, undefined), 2, 'before any answer: its depth');
});
