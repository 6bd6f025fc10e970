// Robust planning (--robust-quantile Q): plan on the Q-quantile of each function's executions/s
// per core instead of its point figure, so that a function co-located with noisy neighbours still
// meets its rate. The quantile comes from, in order:
//   1. the per-bag values of the profiling campaign (spread.execPerSecPerCore.perBag, 2 or more):
//      the empirical quantile, linear interpolation between order statistics;
//   2. the spread's median and coefficient of variation: median * (1 + z_Q * cv), z_Q the standard
//      normal quantile, never below the slowest bag (spread.min);
//   3. the figure's standard deviation (execPerSecPerCoreStd): the same normal approximation
//      around the point figure, never below 5 % of it;
//   4. nothing: the point figure, and the plan says which pairs had no spread.
// The speed planned on is never above the point figure. Energy per execution takes no quantile
// (it sets the cost, not whether the rate is met); where the plan uses open-loop figures it is
// priced at the utilisation of the robust plan's own cores: more cores at the same rate are each
// less busy, and the open-loop share of their energy is paid per core (problem.ts, energyPerExecAt).
import { ConfigError } from '@isawatt/common';
import { energyPerExecAt, plannedCores, type PlacementProblem } from './problem.js';
import type { FunctionModel } from '../workload/types.js';

/** Standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9). */
export function normalQuantile(q: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.928510446969, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const poly = (k: readonly number[], x: number): number => k.reduce((s, v) => s * x + v, 0);
  if (q < 0.02425) {
    const t = Math.sqrt(-2 * Math.log(q));
    return poly(c, t) / (poly(d, t) * t + 1);
  }
  if (q > 1 - 0.02425) return -normalQuantile(1 - q);
  const u = q - 0.5;
  const r = u * u;
  return (poly(a, r) * u) / (poly(b, r) * r + 1);
}

/** Empirical quantile with linear interpolation between order statistics (R's type 7). */
export function empiricalQuantile(values: readonly number[], q: number): number {
  const v = [...values].sort((x, y) => x - y);
  const h = (v.length - 1) * q;
  const lo = Math.floor(h);
  const a = v[lo] as number;
  const b = v[Math.min(lo + 1, v.length - 1)] as number;
  return a + (h - lo) * (b - a);
}

/** The speed to plan on and where it came from. */
export function robustSpeed(md: FunctionModel, q: number): { speed: number; from: 'per-bag' | 'median-cv' | 'std' | 'none' } {
  const point = md.execPerSecPerCore;
  const s = md.spread?.execPerSecPerCore;
  if (s?.perBag && s.perBag.length >= 2) return { speed: Math.min(point, empiricalQuantile(s.perBag, q)), from: 'per-bag' };
  const z = normalQuantile(q);
  if (s) return { speed: Math.min(point, Math.max(s.min, s.median * (1 + z * s.cv))), from: 'median-cv' };
  if (md.execPerSecPerCoreStd !== undefined && md.execPerSecPerCoreStd > 0) {
    return { speed: Math.min(point, Math.max(0.05 * point, point + z * md.execPerSecPerCoreStd)), from: 'std' };
  }
  return { speed: point, from: 'none' };
}

export function checkQuantile(q: number): void {
  if (!(q > 0 && q < 1)) throw new ConfigError([`--robust-quantile: expected a number between 0 and 1 (e.g. 0.1), got ${q}`], 'solver options');
}

/**
 * The per-function quantile that keeps the plan's joint risk at q (`--robust-joint`): with n
 * functions whose slowdowns are independent (as the simulator's per-second noise draws them),
 * P(every function at or above its quantile) = (1 - q_f)^n = 1 - q when q_f = 1 - (1 - q)^(1/n)
 * (Šidák). It is about q / n: the union bound's q / n, which holds whatever the dependence, is at
 * most 0.5 % (relative) smaller for q <= 0.01.
 */
export function jointQuantile(q: number, n: number): number {
  if (n <= 1) return q;
  // -expm1(log1p(-q) / n): exact for small q, where 1 - (1 - q)^(1/n) loses digits.
  return -Math.expm1(Math.log1p(-q) / n);
}

/**
 * Executions/s a function needs so that Poisson arrivals at `rateRps` leave more than one second
 * of backlog with probability at most `q` (`--robust-arrivals poisson`). The backlog is a random
 * walk of (arrivals - capacity c) per second, reflected at 0; by the Cramér-Lundberg bound
 * P(backlog > c) <= exp(-theta c), theta solving R (e^theta - 1) = theta c. Asking theta c = L =
 * ln(1/q) gives c = L / ln(1 + L / R): about R + L/2 for large R (negligible), but 3.7 R at R = 1
 * with q = 2e-4, where one second of 5 arrivals is no rare event.
 */
export function burstCapacityRps(rateRps: number, q: number): number {
  const l = Math.log(1 / q);
  return Math.max(rateRps, l / Math.log1p(l / rateRps));
}

/** Functions whose rate the plan must meet (the n of the joint quantile). */
export function plannedFunctionCount(p: PlacementProblem): number {
  return p.functions.filter((f) => f.rateRps > 0).length;
}

/**
 * The problem with every E_ij replaced by its robust speed: cores recomputed with the problem's
 * headroom, and (open-loop figures) energy per execution and watts at those cores' utilisation.
 * With `joint`, q is the plan's risk and each function is planned on jointQuantile(q, n).
 */
export function robustProblem(
  p: PlacementProblem,
  q: number,
  joint = false,
  arrivals: 'poisson' | undefined = undefined,
): PlacementProblem & { readonly robustNotes: readonly string[]; readonly functionQuantile: number } {
  checkQuantile(q);
  const qf = joint ? jointQuantile(q, plannedFunctionCount(p)) : q;
  // With Poisson bursts as a second risk, each gets half of the function's (union bound).
  const qSpeed = arrivals ? qf / 2 : qf;
  const need = p.functions.map((f) => (arrivals ? burstCapacityRps(f.rateRps, qf / 2) : f.rateRps));
  const without = new Set<string>();
  const model = p.model.map((row, i) =>
    row.map((md, j) => {
      if (!md) return null;
      const r = robustSpeed(md, qSpeed);
      const rate = p.functions[j]?.rateRps ?? 0;
      // The rate stays R (shares, power and energy are priced on it); the speed planned on is
      // lowered so that the cores come out at need / speed.
      if (r.from === 'none') without.add(`${p.functions[j]?.name} on ${p.hosts[i]?.type}`);
      if (arrivals && rate > 0) return { ...md, execPerSecPerCore: (r.speed * rate) / (need[j] as number) };
      return { ...md, execPerSecPerCore: r.speed };
    }),
  );
  // The headroom the problem was built with applies on top of the robust speed, as it did on the
  // point figure: dropping it here planned robust runs closer to saturation than plain ones.
  const cores = model.map((row, _i) => row.map((md, j) => (md ? plannedCores(p, p.functions[j]?.rateRps ?? 0, md.execPerSecPerCore) : null)));
  // Energy per execution at the utilisation of these cores (open-loop figures only: with saturated
  // ones it does not depend on it), so that the plan's power and the policies' objective see what
  // the extra cores cost. Without this, robust plans' predictions ran 3.5 % below the measurement.
  const priced = model.map((row, i) =>
    row.map((md, j) => {
      const raw = p.raw?.[i]?.[j];
      const c = cores[i]?.[j];
      const rate = p.functions[j]?.rateRps ?? 0;
      if (!md || !raw || raw === p.model[i]?.[j] || raw.openLoop === undefined || !c || !(rate > 0)) return md;
      return { ...md, energyPerExecJ: energyPerExecAt(raw, rate / (c * raw.execPerSecPerCore)) };
    }),
  );
  const powerW = priced.map((row) => row.map((md, j) => (md ? md.energyPerExecJ * (p.functions[j]?.rateRps ?? 0) : null)));
  const notes = without.size ? [`robust quantile ${q}: no spread in the models for ${[...without].sort().join(', ')}; planned on the point figure there`] : [];
  if (arrivals)
    notes.push(
      `robust arrivals poisson: each function sized for one second of backlog at most with probability ${fmtQ(qf / 2)} (and its speed on its ${fmtQ(qSpeed)}-quantile)`,
    );
  if (joint)
    notes.push(
      `robust quantile ${q} over the whole plan: each of its ${plannedFunctionCount(p)} functions planned on its ${fmtQ(qf)}-quantile (1 - (1 - ${q})^(1/${plannedFunctionCount(p)}))`,
    );
  return { ...p, model: priced, cores, powerW, robustNotes: notes, functionQuantile: qf };
}

/** A quantile for people: 4 significant digits. */
function fmtQ(q: number): string {
  return Number(q.toPrecision(4)).toString();
}
