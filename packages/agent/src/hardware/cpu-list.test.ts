import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCpuList, parseCpuList } from './cpu-list.js';

test('parses kernel CPU lists', () => {
  assert.deepEqual(parseCpuList('0-3,8,10-11\n'), [0, 1, 2, 3, 8, 10, 11]);
  assert.deepEqual(parseCpuList(''), []);
  assert.deepEqual(parseCpuList('5,1,1'), [1, 5]);
});

test('rejects bad parts with their text', () => {
  assert.throws(() => parseCpuList('0-x'), /"0-x" is not a CPU id/);
  assert.throws(() => parseCpuList('3-1'), /CPU range "3-1" ends before it starts/);
  assert.throws(() => parseCpuList('0,70000'), /CPU id in "70000" is implausibly large/);
  assert.throws(() => parseCpuList('0-4294967295'), /implausibly large/);
});

test('formats compactly and round-trips', () => {
  assert.equal(formatCpuList([0, 1, 2, 5, 7, 8]), '0-2,5,7-8');
  assert.equal(formatCpuList([]), '');
  assert.deepEqual(parseCpuList(formatCpuList([9, 3, 4, 5])), [3, 4, 5, 9]);
});
