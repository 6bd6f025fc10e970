// Totals per cell (mix × policy) over the repeats of an experiment, and each policy's saving
// against round-robin in the same mix: measured (median energy over repeats: one disturbed run
// of three does not move it) and as the models predicted. Used by `isawatt experiment`'s table and by the report. Parked hosts are already
// left out of each run's energyJ (run-record.ts).
import type { EnergyQuality, RunRecord } from '../results/run-record.js';
import { median } from '../profiling/aggregate.js';

export interface CellSummary {
  readonly mix: string;
  readonly policy: string;
  readonly runs: number;
  readonly metRates: number;
  readonly energyMeanJ: number;
  /** Median over the repeats (the mean of the middle two for an even count): what the saving uses. */
  readonly energyMedianJ: number;
  readonly energyMinJ: number;
  readonly energyMaxJ: number;
  /** Sample standard deviation over the repeats (0 for one run). */
  readonly energyStdJ: number;
  readonly predictedMeanJ: number;
  readonly quality: EnergyQuality;
  /** (rr - this) / rr, percent, from the medians; undefined without an rr cell in the mix. */
  readonly savingVsRrPct?: number | undefined;
  readonly predictedSavingVsRrPct?: number | undefined;
  readonly durationS: number;
}

const RANK: readonly EnergyQuality[] = ['simulated', 'emulated', 'estimated', 'modelled', 'measured'];

function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0;
}

function std(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

const MIX_ORDER = ['general', 'crypto-dominated', 'media-dominated', 'scientific-dominated', 'web-dominated'];
const POLICY_ORDER = ['rr', 'x86-first', 'arm-first', 'core-aware', 'energy-aware', 'energy-aware-whole'];
const rank = (order: readonly string[], x: string): number => (order.includes(x) ? order.indexOf(x) : order.length);

/** Cells by mix (the paper's order), then policy (rr first). */
export function summariseCells(records: readonly RunRecord[]): CellSummary[] {
  const groups = new Map<string, RunRecord[]>();
  for (const r of records) {
    const key = `${r.mix ?? '(workload)'}|${r.policy}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const base = new Map<string, Omit<CellSummary, 'savingVsRrPct' | 'predictedSavingVsRrPct'>>();
  for (const [key, rs] of groups) {
    const [mix = '', policy = ''] = key.split('|');
    const e = rs.map((r) => r.energyJ);
    let quality: EnergyQuality = 'measured';
    for (const r of rs) if (RANK.indexOf(r.energyQuality) < RANK.indexOf(quality)) quality = r.energyQuality;
    base.set(key, {
      mix,
      policy,
      runs: rs.length,
      metRates: rs.filter((r) => r.metRates).length,
      energyMeanJ: mean(e),
      energyMedianJ: median(e),
      energyMinJ: Math.min(...e),
      energyMaxJ: Math.max(...e),
      energyStdJ: std(e),
      predictedMeanJ: mean(rs.map((r) => r.predictedEnergyJ)),
      quality,
      durationS: mean(rs.map((r) => r.durationS)),
    });
  }
  const sorted = [...base.values()].sort(
    (a, b) => rank(MIX_ORDER, a.mix) - rank(MIX_ORDER, b.mix) || a.mix.localeCompare(b.mix) || rank(POLICY_ORDER, a.policy) - rank(POLICY_ORDER, b.policy),
  );
  return sorted.map((c) => {
    const rr = base.get(`${c.mix}|rr`);
    return {
      ...c,
      savingVsRrPct: rr && rr.energyMedianJ > 0 ? ((rr.energyMedianJ - c.energyMedianJ) / rr.energyMedianJ) * 100 : undefined,
      predictedSavingVsRrPct: rr && rr.predictedMeanJ > 0 ? ((rr.predictedMeanJ - c.predictedMeanJ) / rr.predictedMeanJ) * 100 : undefined,
    };
  });
}
