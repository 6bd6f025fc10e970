// The paper's figure as data: per function, the x86 host type's performance and energy per
// execution normalised to the ARM host type's, with their spread across profiling bags, sorted by
// category; and the count of functions better on ARM in performance or energy.
import { CATEGORIES, type Arch, type FunctionModel, type Models } from '../workload/types.js';

export interface RatioFigure {
  /** x86 figure / ARM figure (medians). */
  readonly ratio: number;
  /** Range of the ratio over the bags' extremes (min/max on each side), when both have a spread. */
  readonly min: number | null;
  readonly max: number | null;
  /** Coefficient of variation of the ratio, sqrt(cv_x86² + cv_arm²) (first-order), when known. */
  readonly cv: number | null;
}

export interface FunctionComparison {
  readonly function: string;
  readonly category: string;
  readonly x86: { readonly execPerSecPerCore: number; readonly energyPerExecJ: number };
  readonly arm: { readonly execPerSecPerCore: number; readonly energyPerExecJ: number };
  /** Executions per second per core, x86 / ARM: above 1 the x86 core is faster. */
  readonly performance: RatioFigure;
  /** Energy per execution, x86 / ARM: above 1 the x86 host spends more energy per execution. */
  readonly energy: RatioFigure;
  readonly betterOnArm: { readonly performance: boolean; readonly energy: boolean };
  /** Weakest quality label of the two figures ("unknown" when the file does not say). */
  readonly quality: string;
}

export interface IsaComparison {
  readonly x86Type: string;
  readonly armType: string;
  readonly source: string;
  readonly functions: readonly FunctionComparison[];
  readonly betterOnArmInPerformanceOrEnergy: number;
  readonly betterOnX86InBoth: readonly string[];
  readonly total: number;
  /** Functions modelled on only one of the two types. */
  readonly onlyX86: readonly string[];
  readonly onlyArm: readonly string[];
}

export class ComparisonError extends Error {
  override readonly name = 'ComparisonError';
}

function pickType(models: Models, arch: Arch, wanted: string | undefined): string {
  const types = Object.entries(models.hostTypes)
    .filter(([, t]) => t.arch === arch)
    .map(([n]) => n)
    .sort();
  if (wanted !== undefined) {
    const t = models.hostTypes[wanted];
    if (!t) throw new ComparisonError(`host type "${wanted}" is not in the models file (types: ${Object.keys(models.hostTypes).join(', ')})`);
    if (t.arch !== arch) throw new ComparisonError(`host type "${wanted}" is ${t.arch}, not ${arch}`);
    return wanted;
  }
  const first = types[0];
  if (first === undefined) throw new ComparisonError(`the models file has no ${arch} host type (types: ${Object.keys(models.hostTypes).join(', ') || 'none'})`);
  return first;
}

function ratio(x: FunctionModel, a: FunctionModel, figure: 'execPerSecPerCore' | 'energyPerExecJ'): RatioFigure {
  const sx = x.spread?.[figure];
  const sa = a.spread?.[figure];
  return {
    ratio: x[figure] / a[figure],
    min: sx && sa ? sx.min / sa.max : null,
    max: sx && sa ? sx.max / sa.min : null,
    cv: sx && sa ? Math.sqrt(sx.cv ** 2 + sa.cv ** 2) : null,
  };
}

const RANK: Record<string, number> = { measured: 0, modelled: 1, estimated: 2, emulated: 3 };

export function compareIsa(models: Models, opts: { x86Type?: string | undefined; armType?: string | undefined } = {}): IsaComparison {
  const x86Type = pickType(models, 'x86_64', opts.x86Type);
  const armType = pickType(models, 'aarch64', opts.armType);
  const xf = models.hostTypes[x86Type]?.functions ?? {};
  const af = models.hostTypes[armType]?.functions ?? {};
  const quality = (models.provenance?.quality ?? {}) as Record<string, Record<string, string> | undefined>;
  const catOrder = (c: string): number => {
    const i = (CATEGORIES as readonly string[]).indexOf(c);
    return i < 0 ? CATEGORIES.length : i;
  };
  const both = Object.keys(xf).filter((f) => af[f] !== undefined);
  const functions = both
    .map((f): FunctionComparison => {
      const x = xf[f] as FunctionModel;
      const a = af[f] as FunctionModel;
      const performance = ratio(x, a, 'execPerSecPerCore');
      const energy = ratio(x, a, 'energyPerExecJ');
      const qs = [quality[x86Type]?.[f], quality[armType]?.[f]].filter((q): q is string => q !== undefined);
      return {
        function: f,
        category: models.categories[f] ?? 'uncategorised',
        x86: { execPerSecPerCore: x.execPerSecPerCore, energyPerExecJ: x.energyPerExecJ },
        arm: { execPerSecPerCore: a.execPerSecPerCore, energyPerExecJ: a.energyPerExecJ },
        performance,
        energy,
        betterOnArm: { performance: performance.ratio < 1, energy: energy.ratio > 1 },
        quality: qs.length === 0 ? 'unknown' : qs.reduce((p, q) => ((RANK[q] ?? 4) > (RANK[p] ?? 4) ? q : p)),
      };
    })
    .sort((p, q) => catOrder(p.category) - catOrder(q.category) || p.category.localeCompare(q.category) || p.function.localeCompare(q.function));
  return {
    x86Type,
    armType,
    source: models.source ?? '',
    functions,
    betterOnArmInPerformanceOrEnergy: functions.filter((f) => f.betterOnArm.performance || f.betterOnArm.energy).length,
    betterOnX86InBoth: functions.filter((f) => !f.betterOnArm.performance && !f.betterOnArm.energy).map((f) => f.function),
    total: functions.length,
    onlyX86: Object.keys(xf)
      .filter((f) => af[f] === undefined)
      .sort(),
    onlyArm: Object.keys(af)
      .filter((f) => xf[f] === undefined)
      .sort(),
  };
}
