// The report of a simulation: `isawatt report`'s page (report/render-report.ts: energy per policy
// per mix, saving vs rr, power over time, the models figure, rates, inputs) on the simulated
// RunRecords, preceded by the simulation's own sections — energy and saving per load, the saving vs
// round robin as load and as the ARM share grow (ECharts SSR, charts.ts), and every cell as a table.
// One self-contained file; every figure labelled simulated.
import type { CellOutcome } from './cells.js';
import { shortMix } from './cells.js';
import { EXIT, ExitError } from '@isawatt/common';
import type { Models } from '../workload/types.js';
import { renderReport, type ReportSection } from '../report/render-report.js';
import type { RunRecord } from '../results/run-record.js';
import { barChartSvg, lineChartSvg, type ChartSeries } from './charts.js';

export interface SimulationReportInput {
  readonly title: string;
  /** Lines shown under the title (inputs, seed, truth and interference models). */
  readonly about: readonly string[];
  readonly outcomes: readonly CellOutcome[];
  readonly savings: ReadonlyMap<CellOutcome, number>;
  /** The models the planner saw (the report's model figure). */
  readonly models?: Models | undefined;
}

const pctLabel = (x: number): string => `${Math.round(x * 100)} %`;

function policiesOf(os: readonly CellOutcome[]): string[] {
  return [...new Set(os.map((o) => o.spec.policy))];
}

/** Charts for the cells of the cluster as written: energy and saving per policy per mix, one pair per load. */
function matrixCharts(os: readonly CellOutcome[], savings: ReadonlyMap<CellOutcome, number>): string[] {
  const out: string[] = [];
  const loads = [...new Set(os.map((o) => o.spec.load ?? 0))].sort((a, b) => a - b);
  const mixes = [...new Set(os.map((o) => shortMix(o.spec.mix)))];
  for (const load of loads) {
    const at = os.filter((o) => (o.spec.load ?? 0) === load);
    const find = (mix: string, p: string): CellOutcome | undefined => at.find((o) => shortMix(o.spec.mix) === mix && o.spec.policy === p);
    const energy: ChartSeries[] = policiesOf(at).map((p) => ({
      name: p,
      values: mixes.map((m) => {
        const r = find(m, p)?.record;
        return r ? Math.round(r.energyJ / 10) / 100 : null;
      }),
    }));
    out.push(
      barChartSvg({
        title: `Energy per policy per mix, load ${pctLabel(load)} (simulated)`,
        categories: mixes,
        xName: 'mix',
        yName: 'energy (kJ, simulated)',
        series: energy,
      }),
    );
    const saving: ChartSeries[] = policiesOf(at)
      .filter((p) => p !== 'rr')
      .map((p) => ({
        name: p,
        values: mixes.map((m) => {
          const o = find(m, p);
          const v = o ? savings.get(o) : undefined;
          return v === undefined ? null : Math.round(v * 100) / 100;
        }),
      }));
    out.push(
      barChartSvg({
        title: `Energy saving vs round robin, load ${pctLabel(load)} (simulated)`,
        categories: mixes,
        xName: 'mix',
        yName: 'saving vs rr (%)',
        series: saving,
      }),
    );
  }
  return out;
}

/** Saving vs rr as x grows (load, or ARM share), one line per policy; one chart per group. */
function sweepCharts(os: readonly CellOutcome[], savings: ReadonlyMap<CellOutcome, number>, by: 'load' | 'arm-share'): string[] {
  const xOf = (o: CellOutcome): number => (by === 'load' ? (o.spec.load ?? 0) : (o.spec.armShare ?? 0));
  const xs = [...new Set(os.map(xOf))].sort((a, b) => a - b);
  if (xs.length < 2) return [];
  const groups = new Map<string, CellOutcome[]>();
  for (const o of os) {
    const k = by === 'load' ? `mix ${shortMix(o.spec.mix)}` : `mix ${shortMix(o.spec.mix)}, load ${pctLabel(o.spec.load ?? 0)}`;
    groups.set(k, [...(groups.get(k) ?? []), o]);
  }
  const out: string[] = [];
  for (const [g, gos] of groups) {
    const series = policiesOf(gos)
      .filter((p) => p !== 'rr')
      .map((p) => ({
        name: p,
        values: xs.map((x) => {
          const o = gos.find((c) => c.spec.policy === p && xOf(c) === x);
          const v = o ? savings.get(o) : undefined;
          return v === undefined ? null : Math.round(v * 100) / 100;
        }),
      }));
    out.push(
      lineChartSvg({
        title: `Energy saving vs round robin as ${by === 'load' ? 'load' : 'the ARM share of the hosts'} grows, ${g} (simulated)`,
        subtitle: 'gaps: no plan for the policy or for rr at that point',
        categories: xs.map(pctLabel),
        xName: by === 'load' ? 'load (share of the cluster function cores)' : 'ARM share of the hosts',
        yName: 'saving vs rr (%)',
        series,
      }),
    );
  }
  return out;
}

function cellsTable(os: readonly CellOutcome[], savings: ReadonlyMap<CellOutcome, number>): ReportSection['tables'][number] {
  return {
    id: 'simulated-cells',
    title: 'Simulated cells',
    head: ['mix', 'load', 'ARM share', 'policy', 'plan', 'rates met', 'energy J (simulated)', 'predicted J', 'saving vs rr %', 'record'],
    rows: os.map((o) => [
      shortMix(o.spec.mix),
      o.spec.load ?? '',
      o.spec.armShare ?? '',
      o.spec.policy,
      o.plan.status,
      o.record ? o.record.metRates : false,
      o.record ? Math.round(o.record.energyJ * 10) / 10 : '',
      o.record ? Math.round(o.record.predictedEnergyJ * 10) / 10 : '',
      savings.has(o) ? Math.round((savings.get(o) as number) * 1000) / 1000 : '',
      o.record?.id ?? '',
    ]),
  };
}

/** The simulation's own sections, placed before the standard report's. */
export function simulationSections(input: SimulationReportInput): ReportSection[] {
  const { outcomes, savings } = input;
  const asWritten = outcomes.filter((o) => o.spec.armShare === undefined);
  const swept = outcomes.filter((o) => o.spec.armShare !== undefined);
  // Bars per load for a few loads; a load sweep is read from its curves instead.
  const loads = new Set(asWritten.map((o) => o.spec.load));
  const svgs = [
    ...(asWritten.length && loads.size <= 3 ? matrixCharts(asWritten, savings) : []),
    ...(asWritten.length ? sweepCharts(asWritten, savings, 'load') : []),
    ...(swept.length ? sweepCharts(swept, savings, 'arm-share') : []),
  ];
  return [
    {
      id: 'simulation',
      title: 'Simulation: energy and saving vs round robin by load and ARM share (SIMULATED)',
      note: `SIMULATED by isawatt simulate, not measured. ${input.about.join('; ')}.`,
      charts: svgs.map((svg, k) => ({ title: `simulation chart ${k + 1}`, svg })),
      tables: [cellsTable(outcomes, savings)],
    },
  ];
}

/**
 * Records for the standard sections, which group runs by mix and policy: with several loads or ARM
 * shares the mix is named with them ("general @ load 50 %"), so that cells are not averaged together.
 */
function recordsForReport(outcomes: readonly CellOutcome[]): RunRecord[] {
  const loads = new Set(outcomes.map((o) => o.spec.load));
  const shares = new Set(outcomes.map((o) => o.spec.armShare));
  return outcomes.flatMap((o) => {
    if (!o.record) return [];
    const parts = [shortMix(o.spec.mix)];
    if (loads.size > 1 && o.spec.load !== undefined) parts.push(`load ${pctLabel(o.spec.load)}`);
    if (shares.size > 1 && o.spec.armShare !== undefined) parts.push(`ARM ${pctLabel(o.spec.armShare)}`);
    return [parts.length > 1 ? { ...o.record, mix: parts.join(' @ ') } : o.record];
  });
}

export function renderSimulationReport(input: SimulationReportInput): string {
  const records = recordsForReport(input.outcomes);
  const extraSections = simulationSections(input);
  if (records.length === 0) throw new ExitError(EXIT.FAILURE, 'simulate --report: no cell had a plan, nothing to report');
  return renderReport(records, { title: input.title, extraSections, models: input.models });
}
