// Truth vs belief: the planner sees the models file; the simulated cluster behaves by a "true"
// speed and energy per (function, host type) drawn from the models' own spread across profiling
// bags, plus an optional extra error (--model-error) — docs/simulation.md. Draws are keyed by
// (seed, function, host type), so the same function is equally fast on a host type in every cell
// and under every policy of a simulation: policies are compared on the same world.
import type { FigureSpread, FunctionModel } from '../workload/types.js';
import { median } from '../profiling/aggregate.js';
import { Rng } from './random.js';
import { fitIdleShare, openLoopPointsOf } from '../placement/open-loop-fit.js';

/** One open-loop point of the truth: the cost at `utilisation` of the saturated capacity. */
export interface TrueOpenLoopPoint {
  readonly utilisation: number;
  readonly execPerSecPerCore: number;
  readonly energyPerExecJ: number;
}

export interface TruthOptions {
  readonly seed: number;
  /** Draw from the models' spread (perBag, else cv, else the legacy *Std fields). Default true. */
  readonly useSpread: boolean;
  /** Extra error: coefficient of variation of an independent log-normal factor (0.1 = 10 %). */
  readonly modelErrorCv: number;
}

/** What really happens when the function runs on one core of the host type. */
export interface TrueFigures {
  /** Saturated (back-to-back) executions per busy core-second: the cost at utilisation 1. */
  readonly execPerSecPerCore: number;
  /** Saturated energy per execution, J. */
  readonly energyPerExecJ: number;
  /**
   * The cost below saturation (open-loop arrivals at `utilisation` of the saturated capacity), when
   * the models measured it, scaled by the same factors as the saturated figures.
   */
  readonly openLoop?: TrueOpenLoopPoint | undefined;
  /** Every open-loop point measured (ascending; the last is `openLoop`), scaled alike, when more than one. */
  readonly openLoopPoints?: readonly TrueOpenLoopPoint[] | undefined;
  /** true_figure / model_figure, for the record (1 = the model was right). */
  readonly speedFactor: number;
  readonly energyFactor: number;
}

/** A log-normal factor with median 1 and the given coefficient of variation. */
function logNormalFactor(rng: Rng, cv: number): number {
  if (!(cv > 0)) return 1;
  const sigma = Math.sqrt(Math.log(1 + cv * cv));
  return Math.exp(sigma * rng.normal());
}

/**
 * The factor by which the truth differs from the figure, drawn from how the figure varied across
 * bags: one bag picked at random when the per-bag values are kept (the function behaves as it did
 * in one of the co-locations it was measured in), else a log-normal with the spread's cv, else with
 * std / figure of the legacy field, else 1.
 */
function spreadFactor(rng: Rng, figure: number, spread: FigureSpread | undefined, std: number | undefined): number {
  const perBag = spread?.perBag;
  if (perBag && perBag.length >= 2) {
    const pick = perBag[Math.min(perBag.length - 1, Math.floor(rng.next() * perBag.length))] ?? figure;
    return pick / median(perBag);
  }
  if (spread) return logNormalFactor(rng, spread.cv);
  if (std !== undefined && figure > 0) return logNormalFactor(rng, std / figure);
  return 1;
}

export function trueFigures(model: FunctionModel, fn: string, hostType: string, opts: TruthOptions): TrueFigures {
  const key = `${fn}\u0000${hostType}`;
  let speedFactor = 1;
  let energyFactor = 1;
  if (opts.useSpread) {
    speedFactor *= spreadFactor(new Rng(opts.seed, `speed\u0000${key}`), model.execPerSecPerCore, model.spread?.execPerSecPerCore, model.execPerSecPerCoreStd);
    energyFactor *= spreadFactor(new Rng(opts.seed, `energy\u0000${key}`), model.energyPerExecJ, model.spread?.energyPerExecJ, model.energyPerExecJStd);
  }
  if (opts.modelErrorCv > 0) {
    speedFactor *= logNormalFactor(new Rng(opts.seed, `speed-error\u0000${key}`), opts.modelErrorCv);
    energyFactor *= logNormalFactor(new Rng(opts.seed, `energy-error\u0000${key}`), opts.modelErrorCv);
  }
  const scaled = (o: TrueOpenLoopPoint): TrueOpenLoopPoint => ({
    utilisation: o.utilisation,
    execPerSecPerCore: o.execPerSecPerCore * speedFactor,
    energyPerExecJ: o.energyPerExecJ * energyFactor,
  });
  const points = openLoopPointsOf(model);
  return {
    execPerSecPerCore: model.execPerSecPerCore * speedFactor,
    energyPerExecJ: model.energyPerExecJ * energyFactor,
    openLoop: model.openLoop ? scaled(model.openLoop) : undefined,
    ...(points.length > 1 ? { openLoopPoints: points.map(scaled) } : {}),
    speedFactor,
    energyFactor,
  };
}

/** What one execution costs at a utilisation: executions per busy core-second and energy. */
export interface CostAtUtilisation {
  readonly execPerSecPerCore: number;
  readonly energyPerExecJ: number;
  /** The utilisation the cost was taken at (clamped to [0, 1]). */
  readonly utilisation: number;
  /** True when open-loop figures entered it (false: the saturated figures as they are). */
  readonly openLoop: boolean;
}

/**
 * Share k (0..1) of a core's idle time that wake-ups fill at utilisation u0, from one figure's
 * saturated value and its open-loop value there. Cores at utilisation u are busy
 *   b(u) = u + k (1 - u)
 * of the time (real work u, wake-ups k of the rest), so per execution a figure costs b(u) / u times
 * its saturated value: energy W(u) = W_sat x ((1 - k) + k / u), the form the planner prices plans
 * on (its openLoopEnergyShare), and CPU-seconds 1 / E(u) = b(u) / (u x E_sat). `ratio` is
 * open-loop cost / saturated cost (W_open / W_sat, or E_sat / E_open).
 */
export function idleFilledShare(ratio: number, u0: number): number {
  return fitIdleShare([{ utilisation: u0, ratio }]);
}

/** Smallest utilisation the cost is taken at (1 / u grows without bound below it). */
const MIN_UTILISATION = 1e-3;

/**
 * The cost of one execution when the function's cores run at `utilisation` (its rate as a share of
 * their saturated capacity, the quantity the open-loop figures are measured at). Below saturation
 * every arrival that finds its core idle pays a wake-up a back-to-back stream does not: the
 * wake-ups fill a share k of the cores' idle time (idleFilledShare, fitted through the saturated
 * figure at u = 1 and the open-loop one at u0, or by least squares through every open-loop point
 * measured as the planner does (fitIdleShare), separately for CPU time and for energy). So:
 *   executions per busy core-second E(u) = E_sat x u / (u + k_cpu (1 - u))
 *   energy per execution            W(u) = W_sat x ((1 - k_energy) + k_energy / u)
 * equal to the saturated figures at u >= 1 and, with one point, to the open-loop ones at u0 (unless k was clamped
 * to 0..1: an open-loop figure cheaper than the saturated one counts as no extra cost). The
 * capacity of n cores at u, n x E(u) = R / b(u), is at least the rate R, and equals it when the
 * wake-ups fill all the idle time (k = 1): such a function has no margin left, and any second
 * with more arrivals than average leaves it behind. Without open-loop figures: the saturated
 * figures at every utilisation (the models' own claim).
 */
export function costAtUtilisation(t: TrueFigures, utilisation: number): CostAtUtilisation {
  const u = Math.min(1, Math.max(MIN_UTILISATION, Number.isFinite(utilisation) ? utilisation : 1));
  const ol = t.openLoop;
  if (!ol) return { execPerSecPerCore: t.execPerSecPerCore, energyPerExecJ: t.energyPerExecJ, utilisation: u, openLoop: false };
  const points = t.openLoopPoints ?? [ol];
  const kCpu = fitIdleShare(points.map((o) => ({ utilisation: o.utilisation, ratio: t.execPerSecPerCore / o.execPerSecPerCore })));
  const kEnergy = fitIdleShare(points.map((o) => ({ utilisation: o.utilisation, ratio: o.energyPerExecJ / t.energyPerExecJ })));
  return {
    execPerSecPerCore: (t.execPerSecPerCore * u) / (u + kCpu * (1 - u)),
    energyPerExecJ: t.energyPerExecJ * (1 - kEnergy + kEnergy / u),
    utilisation: u,
    openLoop: true,
  };
}

/** True when the models carry any spread the truth could be drawn from. */
export function modelsHaveSpread(models: { hostTypes: Readonly<Record<string, { functions: Readonly<Record<string, FunctionModel>> }>> }): boolean {
  return Object.values(models.hostTypes).some((t) =>
    Object.values(t.functions).some((f) => f.spread !== undefined || f.execPerSecPerCoreStd !== undefined || f.energyPerExecJStd !== undefined),
  );
}

/** True when any function model carries open-loop figures (the truth then depends on utilisation). */
export function modelsHaveOpenLoop(models: { hostTypes: Readonly<Record<string, { functions: Readonly<Record<string, FunctionModel>> }>> }): boolean {
  return Object.values(models.hostTypes).some((t) => Object.values(t.functions).some((f) => f.openLoop !== undefined));
}
