// The paper's model figure as data: per function, the x86 host type's performance (executions/s
// per core) and energy per execution divided by the ARM host type's, with the spread across
// profiling bags as bounds (the ratio of the extremes: x86 min / ARM max to x86 max / ARM min)
// when the models carry it, and the category each function belongs to.
import type { FunctionModel, Models } from '../workload/types.js';

export interface FunctionRatio {
  readonly function: string;
  readonly category: string;
  readonly perfRatio: number;
  readonly perfLow?: number | undefined;
  readonly perfHigh?: number | undefined;
  readonly energyRatio: number;
  readonly energyLow?: number | undefined;
  readonly energyHigh?: number | undefined;
  /** ARM better in performance (ratio < 1) or in energy (ratio > 1). */
  readonly armBetter: boolean;
}

export interface ModelRatios {
  readonly x86Type: string;
  readonly armType: string;
  readonly functions: readonly FunctionRatio[];
  readonly source?: string | undefined;
}

const CAT_ORDER = ['crypto', 'media', 'scientific', 'web'];

function bounds(x: FunctionModel, a: FunctionModel, which: 'execPerSecPerCore' | 'energyPerExecJ'): [number | undefined, number | undefined] {
  const sx = x.spread?.[which];
  const sa = a.spread?.[which];
  if (!sx || !sa || sa.max <= 0 || sa.min <= 0) return [undefined, undefined];
  return [sx.min / sa.max, sx.max / sa.min];
}

/** Undefined when the models lack an x86 or an ARM host type. */
export function modelRatios(models: Models): ModelRatios | undefined {
  const types = Object.entries(models.hostTypes);
  const x86 = types.find(([, t]) => t.arch === 'x86_64');
  const arm = types.find(([, t]) => t.arch === 'aarch64');
  if (!x86 || !arm) return undefined;
  const out: FunctionRatio[] = [];
  for (const [name, xm] of Object.entries(x86[1].functions)) {
    const am = arm[1].functions[name];
    if (!am || am.execPerSecPerCore <= 0 || am.energyPerExecJ <= 0) continue;
    const [pl, ph] = bounds(xm, am, 'execPerSecPerCore');
    const [el, eh] = bounds(xm, am, 'energyPerExecJ');
    const perfRatio = xm.execPerSecPerCore / am.execPerSecPerCore;
    const energyRatio = xm.energyPerExecJ / am.energyPerExecJ;
    out.push({
      function: name,
      category: models.categories[name] ?? 'other',
      perfRatio,
      perfLow: pl,
      perfHigh: ph,
      energyRatio,
      energyLow: el,
      energyHigh: eh,
      armBetter: perfRatio < 1 || energyRatio > 1,
    });
  }
  const rank = (c: string): number => (CAT_ORDER.includes(c) ? CAT_ORDER.indexOf(c) : CAT_ORDER.length);
  out.sort((a, b) => rank(a.category) - rank(b.category) || a.function.localeCompare(b.function));
  return { x86Type: x86[0], armType: arm[0], functions: out, source: models.source };
}
