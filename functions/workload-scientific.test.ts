// Workload suite, scientific category: matrix product (NumPy and plain code) and PageRank, each
// invoked through its runtime harness and compared with an independent reference.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker, expectOk } from './test-helpers/harness-client.js';
import { matmul, pagerank, randomMatrix, seeded } from './test-helpers/reference.js';

interface MatrixOut {
  n: number;
  c: number[][];
}
interface PageRankOut {
  ranks: number[];
  top: number;
  topRank: number;
  sum: number;
}

function assertClose(actual: number[][], expected: number[][], tol: number): void {
  assert.equal(actual.length, expected.length);
  for (const [i, row] of expected.entries()) {
    const got = actual[i] ?? [];
    assert.equal(got.length, row.length, `row ${i} length`);
    for (const [j, v] of row.entries()) {
      const d = Math.abs((got[j] ?? NaN) - v);
      assert.ok(d <= tol * Math.max(1, Math.abs(v)), `c[${i}][${j}] = ${got[j]}, expected ${v}`);
    }
  }
}

for (const name of ['matrix-numpy-python', 'matrix-python', 'matrix-node', 'matrix-java']) {
  describe(name, () => {
    let w: Worker;
    before(async () => {
      w = await Worker.start(name);
    });
    after(() => w.close());

    test('the 30x30 product matches the reference', async () => {
      const next = seeded(7);
      const a = randomMatrix(next, 30, 30);
      const b = randomMatrix(next, 30, 30);
      const out = (await expectOk(w.invokeJson({ a, b }))) as MatrixOut;
      assert.equal(out.n, 30);
      assertClose(out.c, matmul(a, b), 1e-12);
    });

    test('a non-square product has the right shape and values', async () => {
      const a = [
        [1, 2, 3],
        [4, 5, 6],
      ];
      const b = [
        [7, 8],
        [9, 10],
        [11, 12],
      ];
      const out = (await expectOk(w.invokeJson({ a, b }))) as MatrixOut;
      assert.deepEqual(out.c, [
        [58, 64],
        [139, 154],
      ]);
    });

    test('seeded input gives a 30x30 product, the same every time', async () => {
      const one = (await expectOk(w.invokeSeed(42))) as MatrixOut;
      const two = (await expectOk(w.invokeSeed(42))) as MatrixOut;
      assert.equal(one.c.length, 30);
      assert.ok(one.c.every((r) => r.length === 30 && r.every(Number.isFinite)));
      assert.deepEqual(one, two);
    });

    test('mismatched dimensions are an error', async () => {
      assert.equal((await w.invokeJson({ a: [[1, 2]], b: [[1, 2]] })).ok, false);
    });
  });
}

describe('pagerank-python', () => {
  let w: Worker;
  before(async () => {
    w = await Worker.start('pagerank-python');
  });
  after(() => w.close());

  test('a random graph with a hub: ranks match the reference, sum to 1, the hub ranks first', async () => {
    const n = 500;
    const hub = 317;
    const next = seeded(11);
    const seen = new Set<string>();
    const edges: [number, number][] = [];
    const add = (u: number, v: number): void => {
      const key = `${Math.min(u, v)}-${Math.max(u, v)}`;
      if (u !== v && !seen.has(key)) {
        seen.add(key);
        edges.push([u, v]);
      }
    };
    for (let i = 0; i < 30; i++) add(hub, Math.floor(next() * n));
    while (edges.length < 250) add(Math.floor(next() * n), Math.floor(next() * n));
    const out = (await expectOk(w.invokeJson({ vertices: n, edges, directed: false, damping: 0.85 }))) as PageRankOut;
    const ref = pagerank(n, edges, false, 0.85);
    assert.equal(out.ranks.length, n);
    assert.ok(Math.abs(out.ranks.reduce((s, r) => s + r, 0) - 1) < 1e-9, 'ranks sum to 1');
    assert.equal(out.top, hub);
    for (const [v, r] of ref.entries()) assert.ok(Math.abs((out.ranks[v] ?? NaN) - r) < 1e-7, `rank of ${v}: ${out.ranks[v]} vs ${r}`);
  });

  test('directed star: every leaf points to the centre', async () => {
    const edges = Array.from({ length: 9 }, (_, i): [number, number] => [i + 1, 0]);
    const out = (await expectOk(w.invokeJson({ vertices: 10, edges, directed: true }))) as PageRankOut;
    const ref = pagerank(10, edges, true);
    assert.equal(out.top, 0);
    for (const [v, r] of ref.entries()) assert.ok(Math.abs((out.ranks[v] ?? NaN) - r) < 1e-7);
  });

  test('seeded input: 500 vertices, ranks sum to 1', async () => {
    const out = (await expectOk(w.invokeSeed(42))) as PageRankOut;
    assert.equal(out.ranks.length, 500);
    assert.ok(Math.abs(out.sum - 1) < 1e-9);
    assert.equal(out.ranks.indexOf(Math.max(...out.ranks)), out.top);
  });

  test('an edge outside the graph is an error', async () => {
    assert.equal((await w.invokeJson({ vertices: 3, edges: [[0, 3]] })).ok, false);
  });
});
