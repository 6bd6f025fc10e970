// Non-negative least squares, Lawson & Hanson (1974, "Solving Least Squares Problems", ch. 23):
// minimise ||A x - b||2 subject to x >= 0. SmartWatts uses scikit-learn's ElasticNet(positive=True);
// no ML library exists here, and with a handful of counters and <= 60 samples an exact active-set
// NNLS is cheap, has no learning-rate or regularisation knobs to tune, and gives the same kind of
// model (non-negative power per event). Columns are scaled to unit max before solving so that
// counters of very different magnitude (cycles ~1e9, cache misses ~1e6) are treated alike.

export interface NnlsResult {
  /** Coefficients, >= 0, in the units of the unscaled columns. */
  readonly x: number[];
  /** ||A x - b||2 at the solution. */
  readonly residualNorm: number;
  readonly iterations: number;
}

/** Dense least squares on the selected columns via Householder QR; dropped (rank-deficient) columns get 0. */
function leastSquares(a: readonly number[][], b: readonly number[], cols: readonly number[]): number[] {
  const m = a.length;
  const k = cols.length;
  // Copy the selected columns (column-major for Householder).
  const q: number[][] = cols.map((c) => a.map((row) => row[c] ?? 0));
  const y = b.slice();
  const rDiag: number[] = new Array<number>(k).fill(0);
  const usable: boolean[] = new Array<boolean>(k).fill(true);
  let scaleRef = 0;
  for (const col of q) for (const v of col) scaleRef = Math.max(scaleRef, Math.abs(v));
  const tiny = 1e-12 * Math.max(scaleRef, 1e-300) * Math.sqrt(m);

  for (let j = 0; j < k && j < m; j++) {
    const col = q[j];
    if (col === undefined) continue;
    let norm = 0;
    for (let i = j; i < m; i++) norm += (col[i] ?? 0) ** 2;
    norm = Math.sqrt(norm);
    if (norm <= tiny) {
      usable[j] = false;
      continue;
    }
    const alpha = (col[j] ?? 0) > 0 ? -norm : norm;
    // v = x - alpha e1, stored in col[j..m)
    col[j] = (col[j] ?? 0) - alpha;
    let vnorm2 = 0;
    for (let i = j; i < m; i++) vnorm2 += (col[i] ?? 0) ** 2;
    rDiag[j] = alpha;
    if (vnorm2 === 0) continue;
    const applyTo = (vec: number[]): void => {
      let dot = 0;
      for (let i = j; i < m; i++) dot += (col[i] ?? 0) * (vec[i] ?? 0);
      const f = (2 * dot) / vnorm2;
      for (let i = j; i < m; i++) vec[i] = (vec[i] ?? 0) - f * (col[i] ?? 0);
    };
    for (let jj = j + 1; jj < k; jj++) {
      const other = q[jj];
      if (other !== undefined) applyTo(other);
    }
    applyTo(y);
  }
  // Back substitution on R (upper triangle: R[j][jj] = q[jj][j] for jj > j, diagonal rDiag).
  const x: number[] = new Array<number>(k).fill(0);
  for (let j = Math.min(k, m) - 1; j >= 0; j--) {
    if (!usable[j]) continue;
    let s = y[j] ?? 0;
    for (let jj = j + 1; jj < k; jj++) s -= (q[jj]?.[j] ?? 0) * (x[jj] ?? 0);
    const d = rDiag[j] ?? 0;
    x[j] = d === 0 ? 0 : s / d;
  }
  return x;
}

function residual(a: readonly number[][], b: readonly number[], x: readonly number[]): number[] {
  return a.map((row, i) => (b[i] ?? 0) - row.reduce((s, v, j) => s + v * (x[j] ?? 0), 0));
}

/**
 * Solves min ||A x - b|| with x >= 0. `a` is m rows of n features. Throws on ragged input.
 * `maxIterations` bounds the outer loop (3n by default, as in Lawson-Hanson's analysis).
 */
export function nnls(a: readonly number[][], b: readonly number[], maxIterations?: number): NnlsResult {
  const m = a.length;
  if (b.length !== m) throw new RangeError(`nnls: ${m} rows but ${b.length} targets`);
  const n = a[0]?.length ?? 0;
  for (const row of a) if (row.length !== n) throw new RangeError('nnls: ragged matrix');
  if (m === 0 || n === 0) return { x: new Array<number>(n).fill(0), residualNorm: 0, iterations: 0 };

  // Scale columns to max |value| 1; remember factors to unscale the answer.
  const scale: number[] = [];
  for (let j = 0; j < n; j++) {
    let mx = 0;
    for (const row of a) mx = Math.max(mx, Math.abs(row[j] ?? 0));
    scale.push(mx > 0 ? mx : 1);
  }
  const as = a.map((row) => row.map((v, j) => v / (scale[j] ?? 1)));

  const passive = new Set<number>();
  let x: number[] = new Array<number>(n).fill(0);
  const limit = maxIterations ?? 3 * n + 10;
  const bNorm = Math.sqrt(b.reduce((s, v) => s + v * v, 0));
  const tol = 1e-10 * Math.max(1, bNorm) * Math.sqrt(m);
  let iterations = 0;

  for (; iterations < limit; iterations++) {
    const r = residual(as, b, x);
    // Gradient w = A^T r; pick the most promising column not yet passive.
    let best = -1;
    let bestW = tol;
    for (let j = 0; j < n; j++) {
      if (passive.has(j)) continue;
      let w = 0;
      for (let i = 0; i < m; i++) w += (as[i]?.[j] ?? 0) * (r[i] ?? 0);
      if (w > bestW) {
        bestW = w;
        best = j;
      }
    }
    if (best < 0) break;
    passive.add(best);

    // Inner loop: keep the passive-set solution feasible.
    for (let inner = 0; inner < 3 * n + 10; inner++) {
      const cols = [...passive].sort((p, q) => p - q);
      const sub = leastSquares(as, b, cols);
      const z: number[] = new Array<number>(n).fill(0);
      cols.forEach((c, idx) => (z[c] = sub[idx] ?? 0));
      const infeasible = cols.filter((c) => (z[c] ?? 0) <= 0);
      if (infeasible.length === 0) {
        x = z;
        break;
      }
      let alpha = Infinity;
      for (const c of infeasible) {
        const xc = x[c] ?? 0;
        const denom = xc - (z[c] ?? 0);
        if (denom > 0) alpha = Math.min(alpha, xc / denom);
      }
      if (!Number.isFinite(alpha)) alpha = 0;
      x = x.map((xv, j) => xv + alpha * ((z[j] ?? 0) - xv));
      for (const c of cols) {
        if ((x[c] ?? 0) <= 1e-15) {
          passive.delete(c);
          x[c] = 0;
        }
      }
      if (passive.size === 0) break;
    }
  }
  const unscaled = x.map((v, j) => Math.max(0, v) / (scale[j] ?? 1));
  const res = residual(a, b, unscaled);
  return {
    x: unscaled,
    residualNorm: Math.sqrt(res.reduce((s, v) => s + v * v, 0)),
    iterations,
  };
}
