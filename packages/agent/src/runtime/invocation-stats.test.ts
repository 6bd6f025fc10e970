import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvocationWindow } from './invocation-stats.js';

test('counts and percentiles over a window, then reset', () => {
  const w = new InvocationWindow(0);
  for (let i = 1; i <= 100; i++) w.record('completed', i * 1000, 10); // 1..100 ms
  w.record('error', 5000);
  w.record('timeout', 9000);
  w.record('dropped', 0);
  w.record('expired', 0);
  const f = w.figures(2000);
  assert.equal(f.completed, 100);
  assert.equal(f.errors, 1);
  assert.equal(f.timeouts, 1);
  assert.equal(f.dropped, 2, 'a full queue and an expiry in the queue are both drops');
  assert.equal(f.expired, 1, 'the expired one is counted apart too');
  assert.equal(f.achievedRps, 50);
  assert.ok(Math.abs(f.latencyP50Ms - 50) < 0.1, `p50 ${f.latencyP50Ms}`);
  assert.ok(Math.abs(f.latencyP95Ms - 95) < 0.1, `p95 ${f.latencyP95Ms}`);
  assert.ok(Math.abs(f.latencyP99Ms - 99) < 0.1, `p99 ${f.latencyP99Ms}`);
  assert.equal(f.handlerMeanUs, 10);
  w.reset(2000);
  const g = w.figures(3000);
  assert.equal(g.completed, 0);
  assert.equal(g.expired, 0);
  assert.equal(g.latencyP99Ms, 0);
  assert.equal(g.achievedRps, 0);
  w.close();
});

test('when the earliest completed invocation started and the last one answered (errors do not count), cleared by reset', () => {
  const w = new InvocationWindow(0);
  assert.equal(w.figures(10).firstStartMs, undefined);
  w.record('error', 5, 0, 100);
  // Answered at 200 ms after 40 ms in its handler: started at 160 ms.
  w.record('completed', 5, 40_000, 200);
  w.record('completed', 5, 4000, 350);
  w.record('timeout', 5, 0, 400);
  const f = w.figures(500);
  assert.equal(f.firstStartMs, 160);
  assert.equal(f.lastCompletionMs, 350);
  w.reset(500);
  assert.equal(w.figures(600).lastCompletionMs, undefined);
  w.close();
});

test('arrivals are counted when they arrive, apart from the answers that come later, cleared by reset', () => {
  const w = new InvocationWindow(0);
  // Three arrive in this window; two answers come in it, one of an arrival from an earlier window.
  w.arrive();
  w.arrive();
  w.arrive();
  w.record('completed', 1000, 500, 10);
  w.record('dropped', 0, 0, 20);
  assert.equal(w.figures(1000).arrived, 3);
  w.reset(1000);
  w.record('completed', 1000, 500, 1010);
  assert.equal(w.figures(2000).arrived, 0);
  w.close();
});

test('completions are placed by their age in ticks, the oldest age holding the older ones, cleared by reset', () => {
  const w = new InvocationWindow(0);
  assert.deepEqual(w.figures(10).completedByAge, [], 'no completion: nothing to break down');
  w.recordCompletionAge(0);
  w.recordCompletionAge(0);
  w.recordCompletionAge(2);
  // Trailing empty ages are left off.
  assert.deepEqual(w.figures(10).completedByAge, [2, 0, 1]);
  w.recordCompletionAge(7);
  w.recordCompletionAge(30);
  assert.deepEqual(w.figures(10).completedByAge, [2, 0, 1, 0, 0, 0, 0, 2]);
  w.reset(1000);
  assert.deepEqual(w.figures(1010).completedByAge, []);
  w.close();
});
