// Truth vs belief: the planner sees the models file; the simulated cluster behaves by a "true"
// speed and energy per (function, host type) drawn from the models' own spread across profiling
// bags, plus an optional extra error (--model-error) — docs/simulation.md. Draws are keyed by
// (seed, function, host type), so the same function is equally fast on a host type in every cell
// and under every policy of a simulation: policies are compared on the same world.
import type { FigureSpread, FunctionModel } from '../workload/types.js';
import { Rng } from './random.js';

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
  readonly openLoop?: { readonly utilisation: number; readonly execPerSecPerCore: number; readonly energyPerExecJ: number } | undefined;
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

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
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
  const ol = model.openLoop;
  return {
    execPerSecPerCore: model.execPerSecPerCore * speedFactor,
    energyPerExecJ: model.energyPerExecJ * energyFactor,
    openLoop: ol
      ? { utilisation: ol.utilisation, execPerSecPerCore: ol.execPerSecPerCore * speedFactor, energyPerExecJ: ol.energyPerExecJ * energyFactor }
      : undefined,
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
 * The cost of one execution when the function's cores run at `utilisation` (its rate as a share of
 * their saturated capacity, the quantity the open-loop figures are measured at). Below saturation
 * every arrival that finds its core idle pays a wake-up that back-to-back executions do not, so the
 * extra cost per execution is taken proportional to the share of time a core is idle, 1 - u:
 *   cost(u) = saturated + (openLoop - saturated) x (1 - u) / (1 - u0)
 * for the CPU-seconds per execution (1 / execPerSecPerCore) and for the energy per execution. At
 * u = 1 that is the saturated figure, at u0 the open-loop one, below u0 it extrapolates along the
 * same line (bounded: at u = 0, by (1 - u0)^-1 times the measured difference), and it never goes
 * below the cheaper of the two figures (noise can make the open-loop figure the cheaper one).
 * Without open-loop figures: the saturated figures at every utilisation (the models' own claim).
 */
export function costAtUtilisation(t: TrueFigures, utilisation: number): CostAtUtilisation {
  const u = Math.min(1, Math.max(0, Number.isFinite(utilisation) ? utilisation : 1));
  const ol = t.openLoop;
  if (!ol) return { execPerSecPerCore: t.execPerSecPerCore, energyPerExecJ: t.energyPerExecJ, utilisation: u, openLoop: false };
  // u0 = 1 leaves no line to draw: the open-loop figures are the cost below saturation.
  const w = ol.utilisation >= 1 ? (u < 1 ? 1 : 0) : (1 - u) / (1 - ol.utilisation);
  const along = (sat: number, open: number): number => Math.max(Math.min(sat, open), sat + (open - sat) * w);
  const csPerExec = along(1 / t.execPerSecPerCore, 1 / ol.execPerSecPerCore);
  return { execPerSecPerCore: 1 / csPerExec, energyPerExecJ: along(t.energyPerExecJ, ol.energyPerExecJ), utilisation: u, openLoop: true };
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
