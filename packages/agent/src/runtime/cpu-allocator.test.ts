import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NotEnoughCoresError, planCpus } from './cpu-allocator.js';
import type { CpuInfo } from './cpu-topology.js';

// Two sockets of four CPUs: 0-3 on socket 0, 4-7 on socket 1.
const topo: CpuInfo[] = Array.from({ length: 8 }, (_, cpu) => ({ cpu, socket: cpu < 4 ? 0 : 1 }));

test('never uses a reserved CPU', () => {
  const plan = planCpus(topo, [0, 4], new Map(), new Map([['a', 6]]));
  assert.deepEqual(plan.get('a'), [1, 2, 3, 5, 6, 7]);
});

test('a function that fits on one socket stays on one socket', () => {
  const plan = planCpus(
    topo,
    [],
    new Map([['a', [0, 1, 2]]]),
    new Map([
      ['a', 3],
      ['b', 3],
    ]),
  );
  assert.deepEqual(plan.get('a'), [0, 1, 2]);
  assert.deepEqual(plan.get('b'), [4, 5, 6]);
});

test('unchanged functions keep their CPUs; shrinking keeps a subset; growing extends on the same socket', () => {
  const current = new Map([
    ['a', [4, 5]],
    ['b', [0, 1, 2]],
  ]);
  const plan = planCpus(
    topo,
    [],
    current,
    new Map([
      ['a', 3],
      ['b', 1],
      ['c', 2],
    ]),
  );
  assert.deepEqual(plan.get('b'), [0]);
  assert.deepEqual(plan.get('a'), [4, 5, 6]);
  const all = [...plan.values()].flat();
  assert.equal(new Set(all).size, all.length, 'no CPU given twice');
  assert.equal(plan.get('c')?.length, 2);
});

test('too many cores is a precise error', () => {
  assert.throws(
    () =>
      planCpus(
        topo,
        [0],
        new Map(),
        new Map([
          ['a', 5],
          ['b', 3],
        ]),
      ),
    (err: unknown) => err instanceof NotEnoughCoresError && err.wanted === 8 && err.available === 7,
  );
});
