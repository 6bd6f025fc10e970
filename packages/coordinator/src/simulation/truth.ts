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
  readonly execPerSecPerCore: number;
  readonly energyPerExecJ: number;
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
  return {
    execPerSecPerCore: model.execPerSecPerCore * speedFactor,
    energyPerExecJ: model.energyPerExecJ * energyFactor,
    speedFactor,
    energyFactor,
  };
}

/** True when the models carry any spread the truth could be drawn from. */
export function modelsHaveSpread(models: { hostTypes: Readonly<Record<string, { functions: Readonly<Record<string, FunctionModel>> }>> }): boolean {
  return Object.values(models.hostTypes).some((t) =>
    Object.values(t.functions).some((f) => f.spread !== undefined || f.execPerSecPerCoreStd !== undefined || f.energyPerExecJStd !== undefined),
  );
}
