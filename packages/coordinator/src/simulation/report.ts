// The HTML report of a simulation: one self-contained file (inline SVG from ECharts SSR, no script,
// no network) with energy per policy per mix, saving vs round robin, the load and ARM-share curves,
// and the cells as a table and CSV. Every figure is labelled simulated.
import type { CellOutcome } from './cells.js';
import { shortMix } from './cells.js';
import { barChartSvg, lineChartSvg, type ChartSeries } from './charts.js';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface SimulationReportInput {
  readonly title: string;
  /** Lines shown under the title (inputs, seed, truth and interference models). */
  readonly about: readonly string[];
  readonly outcomes: readonly CellOutcome[];
  readonly savings: ReadonlyMap<CellOutcome, number>;
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
    out.push(barChartSvg({ title: `Energy per policy per mix, load ${pctLabel(load)} (simulated)`, categories: mixes, xName: 'mix', yName: 'energy (kJ, simulated)', series: energy }));
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
    out.push(barChartSvg({ title: `Energy saving vs round robin, load ${pctLabel(load)} (simulated)`, categories: mixes, xName: 'mix', yName: 'saving vs rr (%)', series: saving }));
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

function csvOf(os: readonly CellOutcome[], savings: ReadonlyMap<CellOutcome, number>): string {
  const rows = [['mix', 'load', 'arm_share', 'policy', 'plan_status', 'met_rates', 'energy_j_simulated', 'predicted_energy_j', 'saving_vs_rr_pct', 'record_id']];
  for (const o of os) {
    const r = o.record;
    rows.push([
      shortMix(o.spec.mix),
      String(o.spec.load ?? ''),
      String(o.spec.armShare ?? ''),
      o.spec.policy,
      o.plan.status,
      r ? String(r.metRates) : 'false',
      r ? r.energyJ.toFixed(1) : '',
      r ? r.predictedEnergyJ.toFixed(1) : '',
      savings.has(o) ? (savings.get(o) as number).toFixed(3) : '',
      r?.id ?? '',
    ]);
  }
  return rows.map((r) => r.join(',')).join('\n');
}

export function renderSimulationReport(input: SimulationReportInput): string {
  const { outcomes, savings } = input;
  const asWritten = outcomes.filter((o) => o.spec.armShare === undefined);
  const swept = outcomes.filter((o) => o.spec.armShare !== undefined);
  // Bars per load for a few loads; a load sweep is read from its curves instead.
  const loads = new Set(asWritten.map((o) => o.spec.load));
  const charts = [
    ...(asWritten.length && loads.size <= 3 ? matrixCharts(asWritten, savings) : []),
    ...(asWritten.length ? sweepCharts(asWritten, savings, 'load') : []),
    ...(swept.length ? sweepCharts(swept, savings, 'arm-share') : []),
  ];
  const csv = csvOf(outcomes, savings);
  const [head, ...body] = csv.split('\n').map((l) => l.split(','));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(input.title)}</title>
<style>body{font-family:sans-serif;margin:1.5em;max-width:1100px}figure{margin:1em 0}table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}pre{font-size:11px;background:#f6f6f6;padding:.5em;overflow:auto}.sim{background:#fff3cd;padding:.4em .8em;border:1px solid #e0c060}</style>
</head><body>
<h1>${esc(input.title)}</h1>
<p class="sim"><strong>Simulated</strong>: every energy figure on this page comes from <code>isawatt simulate</code>, not from a measurement.</p>
<ul>${input.about.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>
${charts.map((svg) => `<figure>${svg}</figure>`).join('\n')}
<h2>Cells</h2>
<table><thead><tr>${(head ?? []).map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>
<tbody>${body.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n')}</tbody></table>
<h2>CSV</h2>
<pre>${esc(csv)}</pre>
</body></html>
`;
}
