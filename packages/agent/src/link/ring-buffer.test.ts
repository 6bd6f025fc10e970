import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RingBuffer } from './ring-buffer.js';

test('keeps order and drops the oldest when full, counting drops', () => {
  const b = new RingBuffer<number>(3);
  assert.equal(b.push(1), undefined);
  b.push(2);
  b.push(3);
  assert.equal(b.push(4), 1);
  assert.equal(b.push(5), 2);
  assert.deepEqual(b.toArray(), [3, 4, 5]);
  assert.equal(b.dropped, 2);
  assert.equal(b.size, 3);
  assert.equal(b.at(1), 4);
  assert.equal(b.at(3), undefined);
});

test('shift, peek and dropWhile across the wrap point', () => {
  const b = new RingBuffer<number>(4);
  for (let i = 1; i <= 6; i++) b.push(i); // holds 3,4,5,6 with head wrapped
  assert.equal(b.peek(), 3);
  assert.equal(
    b.dropWhile((x) => x <= 4),
    2,
  );
  assert.deepEqual(b.toArray(), [5, 6]);
  assert.equal(b.shift(), 5);
  assert.equal(b.shift(), 6);
  assert.equal(b.shift(), undefined);
  assert.equal(b.size, 0);
  b.push(7);
  assert.deepEqual(b.toArray(), [7]);
});

test('rejects a useless capacity', () => {
  assert.throws(() => new RingBuffer(0), /capacity must be an integer >= 1, got 0/);
  assert.throws(() => new RingBuffer(1.5), /got 1.5/);
});
