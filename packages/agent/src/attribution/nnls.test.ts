import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nnls } from './nnls.js';

test('recovers a non-negative model exactly on noiseless data, across magnitudes', () => {
  const truth = [2e-9, 5e-10, 3e-6, 30];
  let seed = 1;
  const rnd = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const a: number[][] = [];
  const b: number[] = [];
  for (let i = 0; i < 40; i++) {
    const row = [rnd() * 3e9, rnd() * 6e9, rnd() * 2e6, 1];
    a.push(row);
    b.push(row.reduce((s, v, j) => s + v * (truth[j] ?? 0), 0));
  }
  const { x, residualNorm } = nnls(a, b);
  x.forEach((v, j) => assert.ok(Math.abs(v - (truth[j] ?? 0)) <= 1e-6 * (truth[j] ?? 1), `coef ${j}: ${v}`));
  assert.ok(residualNorm < 1e-6);
});

test('clamps coefficients that least squares would make negative', () => {
  // b = x1 − x2: the unconstrained fit is (1, −1); NNLS must give x2 = 0 and the best x1 >= 0.
  const a = [
    [1, 0],
    [0, 1],
    [1, 1],
    [2, 1],
  ];
  const b = a.map((r) => (r[0] ?? 0) - (r[1] ?? 0));
  const { x } = nnls(a, b);
  assert.equal(x[1], 0);
  assert.ok((x[0] ?? -1) >= 0);
  // With x2 = 0, the optimum x1 = Σ a1 b / Σ a1² = (1 + 0 + 0 + 2) / (1 + 1 + 4) = 0.5
  assert.ok(Math.abs((x[0] ?? 0) - 0.5) < 1e-12);
});

test('all-zero targets and zero columns give zero coefficients; ragged input is refused', () => {
  assert.deepEqual(
    nnls(
      [
        [1, 0],
        [2, 0],
      ],
      [0, 0],
    ).x,
    [0, 0],
  );
  const r = nnls(
    [
      [1, 0],
      [2, 0],
      [3, 0],
    ],
    [2, 4, 6],
  );
  assert.ok(Math.abs((r.x[0] ?? 0) - 2) < 1e-12);
  assert.equal(r.x[1], 0);
  assert.throws(() => nnls([[1, 2], [1]], [1, 2]), /ragged/);
  assert.throws(() => nnls([[1]], [1, 2]), /1 rows but 2 targets/);
});
