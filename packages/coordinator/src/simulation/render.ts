// Terminal tables and the --json shape of `isawatt simulate`. Every energy figure here is
// simulated and the header says so.
import Table from 'cli-table3';
import type { CellOutcome } from './cells.js';
import { shortMix } from './cells.js';
import { jToKj } from '@isawatt/common';

const plain = {
  style: { head: [] as string[], border: [] as string[] },
  chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
};

const pct = (x: number | undefined): string => (x === undefined ? '-' : `${x >= 0 ? '+' : ''}${x.toFixed(1)} %`);

function notMet(o: CellOutcome): string[] {
  return o.record ? o.record.functions.filter((f) => !f.metRate).map((f) => f.name) : [];
}

/** One row per cell: plan status, rates, simulated and predicted energy, saving vs rr. */
export function renderCells(outcomes: readonly CellOutcome[], savings: ReadonlyMap<CellOutcome, number>): string {
  const withShare = outcomes.some((o) => o.spec.armShare !== undefined);
  const head = [
    'mix',
    'load',
    ...(withShare ? ['ARM share'] : []),
    'policy',
    'plan',
    'rates met',
    'energy kJ (simulated)',
    'mean W',
    'predicted kJ',
    'sim vs predicted',
    'saving vs rr',
  ];
  const t = new Table({ head, colAligns: head.map((_, k) => (k < 2 + (withShare ? 1 : 0) + 2 ? 'left' : 'right')), ...plain });
  for (const o of outcomes) {
    const r = o.record;
    const missing = notMet(o);
    t.push([
      shortMix(o.spec.mix),
      o.spec.load === undefined ? '-' : `${Math.round(o.spec.load * 100)} %`,
      ...(withShare ? [`${Math.round((o.spec.armShare ?? 0) * 100)} %`] : []),
      o.spec.policy,
      o.plan.status,
      !r ? 'no plan' : r.metRates ? 'yes' : `no (${missing.length}: ${missing.slice(0, 2).join(', ')}${missing.length > 2 ? ', ...' : ''})`,
      r ? jToKj(r.energyJ).toFixed(2) : '-',
      r ? (r.energyJ / r.durationS).toFixed(1) : '-',
      r ? jToKj(r.predictedEnergyJ).toFixed(2) : '-',
      r && r.predictedEnergyJ > 0 ? pct(((r.energyJ - r.predictedEnergyJ) / r.predictedEnergyJ) * 100) : '-',
      pct(savings.get(o)),
    ]);
  }
  return t.toString();
}

/**
 * Saving vs rr as a pivot: one table per mix (and load, for ARM-share sweeps), policies as rows,
 * the swept value as columns. Returned only when something was swept (several loads or shares).
 */
export function renderSweep(outcomes: readonly CellOutcome[], savings: ReadonlyMap<CellOutcome, number>, by: 'load' | 'arm-share'): string {
  const xOf = (o: CellOutcome): number => (by === 'load' ? (o.spec.load ?? 0) : (o.spec.armShare ?? 0));
  const xs = [...new Set(outcomes.map(xOf))].sort((a, b) => a - b);
  if (xs.length < 2) return '';
  const groups = new Map<string, CellOutcome[]>();
  for (const o of outcomes) {
    const k = by === 'load' ? shortMix(o.spec.mix) : `${shortMix(o.spec.mix)} at load ${Math.round((o.spec.load ?? 0) * 100)} %`;
    groups.set(k, [...(groups.get(k) ?? []), o]);
  }
  const parts: string[] = [];
  for (const [g, os] of groups) {
    const policies = [...new Set(os.map((o) => o.spec.policy))].filter((p) => p !== 'rr');
    const t = new Table({ head: ['policy', ...xs.map((x) => `${Math.round(x * 100)} %`)], colAligns: ['left', ...xs.map(() => 'right' as const)], ...plain });
    for (const p of policies) {
      t.push([p, ...xs.map((x) => pct(savings.get(os.find((o) => o.spec.policy === p && xOf(o) === x) as CellOutcome)))]);
    }
    parts.push(`saving vs rr (simulated), ${g}, by ${by === 'load' ? 'load' : 'ARM share of the hosts'}:\n${t.toString()}`);
  }
  return parts.join('\n\n');
}

/** The --json shape: every cell with its mix, policy, load, whether rates were met, energy in joules. */
export function cellsToJson(outcomes: readonly CellOutcome[], savings: ReadonlyMap<CellOutcome, number>): Record<string, unknown>[] {
  return outcomes.map((o) => ({
    mix: o.spec.mix ?? null,
    policy: o.spec.policy,
    load: o.spec.load ?? null,
    ...(o.spec.armShare !== undefined ? { armShare: o.spec.armShare } : {}),
    planStatus: o.plan.status,
    planReasons: o.record ? undefined : o.plan.reasons,
    metRates: o.record ? o.record.metRates : false,
    functionsNotMet: notMet(o),
    energyJ: o.record ? o.record.energyJ : null,
    energyQuality: 'simulated',
    predictedEnergyJ: o.record ? o.record.predictedEnergyJ : null,
    savingVsRrPct: savings.get(o) ?? null,
    recordId: o.record?.id ?? null,
    planTimeMs: Math.round(o.planTimeMs),
    simTimeMs: Math.round(o.simTimeMs),
  }));
}
