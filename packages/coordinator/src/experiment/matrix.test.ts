import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellKey, experimentOrder, parseMixes, parsePolicyList } from './matrix.js';

test('mix names: short and full forms, unknown is bad input', () => {
  assert.deepEqual(parseMixes('general,crypto,media,scientific,web'), [
    'general',
    'crypto-dominated',
    'media-dominated',
    'scientific-dominated',
    'web-dominated',
  ]);
  assert.deepEqual(parseMixes('web-dominated,web'), ['web-dominated']);
  assert.throws(() => parseMixes('general,video'), /unknown mix "video"/);
  assert.throws(() => parsePolicyList('rr,fastest'), /fastest/);
});

test('every cell once per repeat, in a seeded order that differs between repeats and seeds', () => {
  const mixes = parseMixes('general,crypto,media,scientific,web');
  const policies = parsePolicyList('rr,x86-first,arm-first,core-aware,energy-aware,energy-aware-whole');
  const order = experimentOrder(mixes, policies, 2, 7);
  assert.equal(order.length, 60);
  assert.equal(new Set(order.map(cellKey)).size, 60);
  assert.deepEqual(experimentOrder(mixes, policies, 2, 7), order, 'same seed, same order');
  const first = order.slice(0, 30).map((c) => `${c.mix}|${c.policy}`);
  const second = order.slice(30).map((c) => `${c.mix}|${c.policy}`);
  assert.notDeepEqual(first, second, 'each repeat has its own order');
  assert.notDeepEqual(experimentOrder(mixes, policies, 1, 8).map(cellKey), order.slice(0, 30).map(cellKey), 'another seed, another order');
});
