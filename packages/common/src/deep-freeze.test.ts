import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deepFreeze } from './deep-freeze.js';

test('deepFreeze freezes everything reachable and survives cycles', () => {
  const inner = { n: 1, list: [{ x: 1 }] };
  const outer: { inner: typeof inner; self?: unknown } = { inner };
  outer.self = outer;
  assert.equal(deepFreeze(outer), outer);
  assert.ok(Object.isFrozen(outer) && Object.isFrozen(inner) && Object.isFrozen(inner.list) && Object.isFrozen(inner.list[0]));
  assert.equal(deepFreeze(null), null);
  assert.equal(deepFreeze(3), 3);
});
