// Matrix native (Node.js): product of two random 30x30 matrices in plain JavaScript loops.
// Input: {a: number[][], b: number[][]} (n x n, generated from the seed). Output: {n, c}.
import { mulberry32 } from '../_lib/seeded-random.mjs';

const N = 30;

export function makeInput(seed) {
  const next = mulberry32(seed);
  const m = () => Array.from({ length: N }, () => Array.from({ length: N }, next));
  return { a: m(), b: m() };
}

export async function handler(input) {
  const { a, b } = input ?? {};
  if (!Array.isArray(a) || !Array.isArray(b)) throw new TypeError('input "a" and "b" must be arrays of rows');
  const rows = a.length;
  const inner = b.length;
  const cols = inner ? b[0].length : 0;
  if (a.some((r) => r.length !== inner) || b.some((r) => r.length !== cols)) {
    throw new RangeError('matrices are ragged or their inner dimensions differ');
  }
  const c = [];
  for (let i = 0; i < rows; i++) {
    const ai = a[i];
    const ci = new Array(cols).fill(0);
    for (let k = 0; k < inner; k++) {
      const aik = ai[k];
      const bk = b[k];
      for (let j = 0; j < cols; j++) ci[j] += aik * bk[j];
    }
    c.push(ci);
  }
  return { n: rows, c };
}
