// `isawatt simulate --robust-quantile Q`: every cell planned twice, on the point figures (plain)
// and on the Q-quantile of each function's speed (robust, placement/robust.ts), both simulated on
// the same truth and arrivals; shown side by side: the cores each plan takes, the share of
// simulated seconds in which every function kept up with its rate (and of function-seconds), and
// the simulated energy. Every figure is simulated.
import { jToKj } from '@isawatt/common';
import Table from 'cli-table3';
import type { CellOutcome } from './cells.js';
import { shortMix } from './cells.js';

export interface RobustPair {
  readonly plain: CellOutcome;
  readonly robust: CellOutcome;
}

const f1 = (x: number | undefined): string => (x === undefined ? '-' : x.toFixed(1));
const f2 = (x: number | undefined): string => (x === undefined ? '-' : x.toFixed(2));

/** One side's figures (undefined where there is no plan). */
function side(o: CellOutcome): { cores: number | undefined; allPct: number | undefined; functionPct: number | undefined; energyKj: number | undefined } {
  return {
    cores: o.record ? o.plan.totalCores : undefined,
    allPct: o.secondsAtRate?.allPct,
    functionPct: o.secondsAtRate?.functionPct,
    energyKj: o.record ? jToKj(o.record.energyJ) : undefined,
  };
}

export function renderRobustComparison(pairs: readonly RobustPair[], quantile: number): string {
  const head = [
    'mix',
    'load',
    'policy',
    'cores plain',
    `cores robust q${quantile}`,
    's all rates met plain %',
    's all rates met robust %',
    'fn-s met plain %',
    'fn-s met robust %',
    'kJ plain',
    'kJ robust',
  ];
  const t = new Table({
    head,
    colAligns: head.map((_, k) => (k < 3 ? 'left' : 'right')),
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const { plain, robust } of pairs) {
    const p = side(plain);
    const r = side(robust);
    t.push([
      shortMix(plain.spec.mix),
      plain.spec.load === undefined ? '-' : `${Math.round(plain.spec.load * 100)} %`,
      plain.spec.policy,
      p.cores ?? 'no plan',
      r.cores ?? 'no plan',
      f1(p.allPct),
      f1(r.allPct),
      f2(p.functionPct),
      f2(r.functionPct),
      f2(p.energyKj),
      f2(r.energyKj),
    ]);
  }
  const cells = pairs.filter((x) => x.plain.secondsAtRate && x.robust.secondsAtRate);
  const atLeast = (o: CellOutcome): boolean => (o.secondsAtRate?.allPct ?? 0) >= 99;
  const summary = cells.length
    ? `cells where every rate was met in >= 99 % of simulated seconds: plain ${cells.filter((x) => atLeast(x.plain)).length} of ${cells.length}, robust ${cells.filter((x) => atLeast(x.robust)).length} of ${cells.length}`
    : 'no cell had both plans';
  return `${t.toString()}\n${summary}`;
}

/** `joint`: the quantile is the plan's risk (--robust-joint), each function planned on a smaller one. */
export function robustComparisonToJson(pairs: readonly RobustPair[], quantile: number, joint = false): Record<string, unknown> {
  return {
    quantile,
    joint,
    cells: pairs.map(({ plain, robust }) => ({
      mix: plain.spec.mix ?? null,
      load: plain.spec.load ?? null,
      policy: plain.spec.policy,
      plain: { status: plain.plan.status, ...side(plain), recordId: plain.record?.id ?? null },
      robust: {
        status: robust.plan.status,
        ...side(robust),
        ...(robust.plan.robust?.functionQuantile !== undefined ? { functionQuantile: robust.plan.robust.functionQuantile } : {}),
        recordId: robust.record?.id ?? null,
      },
    })),
  };
}
