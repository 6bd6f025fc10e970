// The two ways a host energy figure is made: the difference of a wrapping counter (RAPL energy_uj,
// altra_hwmon energyN_input, hwmon energy) and the integral of instantaneous power samples
// (xgene-hwmon power1/power2, hwmon power). Pure functions, kept in one place so wrap handling
// exists exactly once (as Kepler's energy_zone.go).
import { msToS } from '@isawatt/common';

export interface CounterDelta {
  /** Energy since the previous reading, µJ (0 when the counter was reset). */
  readonly deltaUj: bigint;
  /** 'ok'; 'wrapped' past maxUj; 'reset' (went backwards with no known range: driver reload). */
  readonly kind: 'ok' | 'wrapped' | 'reset';
}

/**
 * Difference of two counter readings. A decrease with a known range is one wrap:
 * (max − prev) + cur, e.g. prev 262143000000, cur 1200000, max 262143328850 → 1528850 µJ. The one
 * energy unit (~61 µJ) lost at the wrap is ignored, as Kepler does. A decrease without a range (or
 * from above the range) cannot be unwrapped: it is reported as a reset with zero energy.
 */
export function counterDeltaUj(prevUj: bigint, curUj: bigint, maxUj: bigint | null): CounterDelta {
  if (curUj >= prevUj) return { deltaUj: curUj - prevUj, kind: 'ok' };
  if (maxUj !== null && maxUj > 0n && prevUj <= maxUj) return { deltaUj: maxUj - prevUj + curUj, kind: 'wrapped' };
  return { deltaUj: 0n, kind: 'reset' };
}

/**
 * Energy of a power signal sampled at both ends of an interval, by the trapezoid rule, µJ.
 * µW × ms / 1000 = µJ; e.g. 16.28 W then 18.00 W over 1000 ms → 17140000 µJ (17.14 J).
 */
export function trapezoidEnergyUj(prevPowerUw: bigint, curPowerUw: bigint, intervalMs: number): bigint {
  if (!(intervalMs > 0)) return 0n;
  const meanUw = Number(prevPowerUw + curPowerUw) / 2;
  return BigInt(Math.round(meanUw * msToS(intervalMs)));
}
