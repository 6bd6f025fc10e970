// A tick's completions say how many ticks after their arrival they came (completedByAge): the
// pool stamps each request with the tick it arrived in. Ticks closed every few ms, shorter than
// test-native's 10 ms of CPU per call, put many completions in a later tick than their arrival.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { COMPLETED_BY_AGE_TICKS } from '@isawatt/common';
import { makeRuntime, skipReason } from './helpers.js';

test('completions are broken down by the ticks since their arrival, adding up to the completions', { skip: skipReason }, async (t) => {
  const { rt } = await makeRuntime(t);
  const r = await rt.apply({ version: 1n, functions: [{ function: 'test-native', cores: 1, rateRps: 40, arrival: 'constant' }] });
  assert.ok(r.ok, r.ok ? '' : r.error);
  const byAge = new Array<number>(COMPLETED_BY_AGE_TICKS).fill(0);
  let completed = 0;
  const end = Date.now() + 3000;
  while (Date.now() < end) {
    await sleep(4);
    const f = rt.takeInvocationFigures().get('test-native');
    if (!f) continue;
    const ages = f.completedByAge ?? [];
    assert.ok(ages.length <= COMPLETED_BY_AGE_TICKS);
    assert.equal(
      ages.reduce((s, n) => s + n, 0),
      f.completed,
      `every completion of the tick has an age: ${JSON.stringify(ages)} for ${f.completed}`,
    );
    completed += f.completed;
    ages.forEach((n, a) => (byAge[a] = (byAge[a] ?? 0) + n));
  }
  assert.ok(completed > 40, `completed ${completed} in 3 s at 40 req/s`);
  const later = byAge.slice(1).reduce((s, n) => s + n, 0);
  assert.ok(later > 0, `some completions came ticks after their arrival (4 ms ticks, 10 ms calls): ${JSON.stringify(byAge)}`);
});
