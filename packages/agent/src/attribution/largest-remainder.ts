// Splits an integer amount (µJ) between participants in proportion to non-negative weights so that
// the parts add up to the amount exactly (Hamilton's largest-remainder method). Attribution uses it
// for every split so that the conservation invariant holds in integers, not just approximately.

/**
 * Returns one bigint per weight, each >= 0, summing to `totalUj` exactly. Weights that are not finite
 * or are negative count as 0. When every weight is 0 the result is all zeros (the caller decides
 * where the amount goes). `totalUj` must be >= 0.
 */
export function splitLargestRemainder(totalUj: bigint, weights: readonly number[]): bigint[] {
  if (totalUj < 0n) throw new RangeError(`largest remainder: negative total ${totalUj}`);
  const clean = weights.map((w) => (Number.isFinite(w) && w > 0 ? w : 0));
  const sum = clean.reduce((a, b) => a + b, 0);
  const parts = clean.map(() => 0n);
  if (sum <= 0 || totalUj === 0n || clean.length === 0) return parts;

  const total = Number(totalUj);
  const fractions: { index: number; frac: number }[] = [];
  let assigned = 0n;
  for (let i = 0; i < clean.length; i++) {
    const ideal = (total * (clean[i] ?? 0)) / sum;
    const floor = Math.floor(ideal);
    parts[i] = BigInt(floor);
    assigned += BigInt(floor);
    fractions.push({ index: i, frac: ideal - floor });
  }
  // Float rounding can leave the floors a few units above or below the total on huge amounts; the
  // loops below settle the difference one unit at a time, largest fractions first (ties: lower index).
  fractions.sort((a, b) => b.frac - a.frac || a.index - b.index);
  let k = 0;
  while (assigned < totalUj) {
    const f = fractions[k % fractions.length];
    if (f === undefined) break;
    if ((clean[f.index] ?? 0) > 0) {
      parts[f.index] = (parts[f.index] ?? 0n) + 1n;
      assigned += 1n;
    }
    k++;
  }
  k = fractions.length - 1;
  while (assigned > totalUj) {
    const f = fractions[((k % fractions.length) + fractions.length) % fractions.length];
    if (f === undefined) break;
    const p = parts[f.index] ?? 0n;
    if (p > 0n) {
      parts[f.index] = p - 1n;
      assigned -= 1n;
    }
    k--;
  }
  return parts;
}
