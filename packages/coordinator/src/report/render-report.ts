// `isawatt report`: one self-contained HTML file from run records (measured by `isawatt run` /
// `experiment`, or simulated by `isawatt simulate`): charts drawn by Apache ECharts in SSR mode as
// inline SVG (no script, no network), and every chart's data again as a table with a CSV link.
// Entry point: renderReport(records, { models }) -> HTML string.
import { FUNCTION_COLUMNS, HOST_COLUMNS } from '../results/run-columns.js';
import type { RunRecord } from '../results/run-record.js';
import { parseModels } from '../workload/parse.js';
import type { Models } from '../workload/types.js';
import { summariseCells } from './experiment-summary.js';
import { modelRatios } from './model-ratios.js';
import { errorBars, svgChart, type ChartOption } from './svg-chart.js';
import { escapeHtml, tableHtml, type DataTable } from './tables.js';
import { jToKj } from '@isawatt/common';

export interface ReportOptions {
  /** The models the runs were planned on; default: the models stored in the first record that has them. */
  readonly models?: Models | undefined;
  readonly title?: string | undefined;
  /** ISO time written in the header (default now). */
  readonly generatedAt?: string | undefined;
  /** Sections placed before the standard ones (e.g. `isawatt simulate`'s load and ARM-share curves). */
  readonly extraSections?: readonly ReportSection[] | undefined;
}

const POLICY_ORDER = ['rr', 'x86-first', 'arm-first', 'core-aware', 'energy-aware', 'energy-aware-whole'];
const MAX_POWER_CHARTS = 60;
/** One colour per policy in every chart. */
const POLICY_COLOURS: Record<string, string> = {
  rr: '#7f7f7f',
  'x86-first': '#1f77b4',
  'arm-first': '#ff7f0e',
  'core-aware': '#9467bd',
  'energy-aware': '#2ca02c',
  'energy-aware-whole': '#17becf',
};
const colour = (p: string): string | undefined => POLICY_COLOURS[p];

/** A section of the report: charts (SVG strings) and tables. Callers may add their own (simulate's curves). */
export interface ReportSection {
  readonly id: string;
  readonly title: string;
  readonly note?: string;
  readonly charts: readonly { title: string; svg: string }[];
  readonly tables: readonly DataTable[];
}
type Section = ReportSection;

/** A record's free-form input as text (strings and numbers only; anything else is left out). */
function str(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
}

function modelsOf(records: readonly RunRecord[], given: Models | undefined): { models: Models | undefined; from: string } {
  if (given) return { models: given, from: 'given to the report' };
  for (const r of records) {
    if (r.inputs.models !== undefined) {
      try {
        return {
          models: parseModels(r.inputs.models, `models of run ${r.id}`),
          from: `stored with run ${r.id} (${str(r.inputs.modelsFile) || 'models file'})`,
        };
      } catch {
        // A record with unreadable models: try the next one.
      }
    }
  }
  return { models: undefined, from: 'none' };
}

function runLabel(r: RunRecord, i: number): string {
  return `${i + 1}. ${r.mix ? `${r.mix} ` : ''}${r.policy}${r.repeat !== undefined ? ` #${r.repeat + 1}` : ''}`;
}

function energySections(records: readonly RunRecord[]): Section[] {
  const cells = summariseCells(records);
  const mixes = [...new Set(cells.map((c) => c.mix))];
  const policies = POLICY_ORDER.filter((p) => cells.some((c) => c.policy === p)).concat(
    [...new Set(cells.map((c) => c.policy))].filter((p) => !POLICY_ORDER.includes(p)),
  );
  const cell = (m: string, p: string) => cells.find((c) => c.mix === m && c.policy === p);
  const kj = (j: number | undefined): number | null => (j === undefined ? null : jToKj(j));
  const energyChart: ChartOption = {
    title: { text: 'Energy per policy per mix (kJ, mean over repeats; bars: min-max)', left: 'center', textStyle: { fontSize: 14 } },
    legend: { top: 30, data: policies },
    grid: { top: 80, left: 70, right: 20, bottom: 50 },
    xAxis: { type: 'category', data: mixes },
    yAxis: { type: 'value', name: 'kJ' },
    series: [
      ...policies.map((p) => ({ type: 'bar' as const, name: p, itemStyle: { color: colour(p) }, data: mixes.map((m) => kj(cell(m, p)?.energyMedianJ)) })),
      ...policies.map((p, pi) =>
        errorBars(
          `${p} spread`,
          mixes.flatMap((m, mi) => {
            const c = cell(m, p);
            return c ? [[mi, jToKj(c.energyMinJ), jToKj(c.energyMaxJ)] as const] : [];
          }),
          pi,
          policies.length,
        ),
      ),
    ],
  };
  const savers = policies.filter((p) => p !== 'rr');
  const savingChart: ChartOption = {
    title: { text: 'Saving vs round-robin per mix (%): bars measured, diamonds predicted by the models', left: 'center', textStyle: { fontSize: 14 } },
    legend: { top: 30 },
    grid: { top: 80, left: 70, right: 20, bottom: 50 },
    xAxis: { type: 'category', data: mixes },
    yAxis: { type: 'value', name: '%' },
    series: [
      ...savers.map((p) => ({ type: 'bar' as const, name: p, itemStyle: { color: colour(p) }, data: mixes.map((m) => cell(m, p)?.savingVsRrPct ?? null) })),
      ...savers.map((p) => ({
        type: 'scatter' as const,
        name: `${p} (predicted)`,
        itemStyle: { color: colour(p), borderColor: '#000', borderWidth: 1 },
        symbol: 'diamond',
        symbolSize: 9,
        data: mixes.map((m) => cell(m, p)?.predictedSavingVsRrPct ?? null),
      })),
    ],
  };
  const cellTable: DataTable = {
    id: 'energy-per-cell',
    title: 'Energy per mix and policy',
    head: [
      'mix',
      'policy',
      'runs',
      'met rates',
      'energy median J',
      'energy mean J',
      'min J',
      'max J',
      'std J',
      'predicted J',
      'saving vs rr %',
      'predicted saving %',
      'quality',
    ],
    rows: cells.map((c) => [
      c.mix,
      c.policy,
      c.runs,
      `${c.metRates}/${c.runs}`,
      c.energyMedianJ,
      c.energyMeanJ,
      c.energyMinJ,
      c.energyMaxJ,
      c.energyStdJ,
      c.predictedMeanJ,
      c.savingVsRrPct,
      c.predictedSavingVsRrPct,
      c.quality.toUpperCase(),
    ]),
  };
  const predicted: ChartOption = {
    title: { text: 'Predicted vs measured energy per run (kJ); line: measured = predicted', left: 'center', textStyle: { fontSize: 14 } },
    legend: { top: 30 },
    grid: { top: 80, left: 70, right: 30, bottom: 50 },
    xAxis: { type: 'value', name: 'predicted kJ', nameLocation: 'middle', nameGap: 28, scale: true },
    yAxis: { type: 'value', name: 'measured kJ', scale: true },
    series: [
      ...policies.map((p) => ({
        type: 'scatter' as const,
        name: p,
        itemStyle: { color: colour(p) },
        symbolSize: 9,
        data: records.filter((r) => r.policy === p).map((r) => [jToKj(r.predictedEnergyJ), jToKj(r.energyJ)]),
      })),
      (() => {
        const all = records.flatMap((r) => [r.predictedEnergyJ, r.energyJ]).map(jToKj);
        const lo = Math.min(...all);
        const hi = Math.max(...all);
        return {
          type: 'line' as const,
          name: 'measured = predicted',
          showSymbol: false,
          lineStyle: { type: 'dashed' as const, color: '#888' },
          data: [
            [lo, lo],
            [hi, hi],
          ],
        };
      })(),
    ],
  };
  const perRun: DataTable = {
    id: 'predicted-vs-measured',
    title: 'Predicted vs measured energy per run',
    head: [
      'run',
      'kind',
      'experiment',
      'mix',
      'policy',
      'repeat',
      'duration s',
      'met rates',
      'energy J',
      'quality',
      'predicted J',
      'measured/predicted - 1 %',
      'hosts (source, quality, J, parked)',
    ],
    rows: records.map((r) => [
      r.id,
      r.kind,
      r.experimentId,
      r.mix,
      r.policy,
      r.repeat === undefined ? undefined : r.repeat + 1,
      r.durationS,
      r.metRates,
      r.energyJ,
      r.energyQuality.toUpperCase(),
      r.predictedEnergyJ,
      r.predictedEnergyJ > 0 ? ((r.energyJ - r.predictedEnergyJ) / r.predictedEnergyJ) * 100 : undefined,
      r.hosts.map((h) => `${h.id}: ${h.energySource} ${h.energyQuality} ${h.energyJ.toFixed(1)} J${h.parked ? ' parked, not counted' : ''}`).join('; '),
    ]),
  };
  return [
    {
      id: 'energy',
      title: 'Energy per policy per mix',
      note: 'Median energy of the runs of each cell (the savings use it; the table gives the spread) over the measured window; parked hosts (energy-aware-whole) are left out of a run’s total.',
      charts: [{ title: 'energy per policy per mix', svg: svgChart(energyChart) }],
      tables: [cellTable],
    },
    { id: 'saving', title: 'Saving vs round-robin', charts: [{ title: 'saving vs round-robin', svg: svgChart(savingChart) }], tables: [] },
    {
      id: 'predicted',
      title: 'Predicted vs measured energy',
      charts: [{ title: 'predicted vs measured', svg: svgChart(predicted, 900, 460) }],
      tables: [perRun],
    },
  ];
}

function powerSection(records: readonly RunRecord[]): Section {
  const charts: { title: string; svg: string }[] = [];
  const rows: (string | number | undefined)[][] = [];
  const withSeries = records.filter((r) => (r.series?.length ?? 0) > 0);
  for (const [i, r] of withSeries.entries()) {
    const hosts = [...new Set((r.series ?? []).map((s) => s.hostId))];
    const series = hosts.flatMap((h) => {
      const pts = (r.series ?? []).filter((s) => s.hostId === h);
      for (const s of pts) rows.push([r.id, h, s.tS, s.powerW, s.pduPowerW]);
      const src = r.hosts.find((x) => x.id === h);
      const agent = {
        type: 'line' as const,
        name: `${h} agent (${src?.energySource.startsWith('pdu:') ? 'agent' : (src?.energyQuality ?? '')})`,
        showSymbol: pts.length < 3,
        data: pts.map((s) => [s.tS, s.powerW]),
      };
      const pdu = pts.some((s) => s.pduPowerW !== undefined)
        ? [
            {
              type: 'line' as const,
              name: `${h} PDU (measured)`,
              showSymbol: pts.length < 3,
              lineStyle: { type: 'dashed' as const },
              data: pts.map((s) => [s.tS, s.pduPowerW ?? null]),
            },
          ]
        : [];
      return [agent, ...pdu];
    });
    if (charts.length < MAX_POWER_CHARTS) {
      const noPdu = series.every((s) => !s.name.includes('PDU'));
      charts.push({
        title: r.id,
        svg: svgChart(
          {
            title: {
              text: `${runLabel(r, i)}: host power (W)${noPdu ? ' — no PDU outlet mapped: agent only' : ''}`,
              left: 'center',
              textStyle: { fontSize: 13 },
            },
            legend: { top: 26 },
            grid: { top: 60, left: 60, right: 20, bottom: 40 },
            xAxis: { type: 'value', name: 's', min: 0 },
            yAxis: { type: 'value', name: 'W', scale: true },
            series,
          },
          900,
          300,
        ),
      });
    }
  }
  return {
    id: 'power',
    title: 'PDU vs agent power per host over time',
    note:
      withSeries.length > MAX_POWER_CHARTS
        ? `The first ${MAX_POWER_CHARTS} runs are drawn; the table has every run.`
        : 'Agent power is the host’s energy source (its quality in the legend); PDU power is the lab’s wall meter where an outlet is mapped.',
    charts,
    tables: [{ id: 'power-series', title: 'Host power per second', head: ['run', 'host', 't s', 'agent W', 'PDU W'], rows }],
  };
}

function modelSection(models: Models | undefined, from: string): Section {
  const ratios = models ? modelRatios(models) : undefined;
  if (!ratios || ratios.functions.length === 0) {
    return { id: 'models', title: 'Per function: x86 vs ARM', note: `No models with both an x86 and an ARM host type (${from}).`, charts: [], tables: [] };
  }
  const names = ratios.functions.map((f) => f.function);
  const better = ratios.functions.filter((f) => f.armBetter).length;
  const hasSpread = ratios.functions.some((f) => f.perfLow !== undefined);
  const option: ChartOption = {
    title: {
      text: `x86 (${ratios.x86Type}) normalised to ARM (${ratios.armType}) = 1${hasSpread ? '; bars: spread across bags' : ''}`,
      left: 'center',
      textStyle: { fontSize: 14 },
    },
    legend: { top: 30, data: ['performance (exec/s per core)', 'energy per execution', 'ARM = 1'] },
    grid: { top: 80, left: 60, right: 20, bottom: 130 },
    xAxis: { type: 'category', data: names, axisLabel: { rotate: 60, fontSize: 10 } },
    yAxis: { type: 'value', name: 'x86 / ARM' },
    series: [
      { type: 'bar', name: 'performance (exec/s per core)', data: ratios.functions.map((f) => f.perfRatio) },
      { type: 'bar', name: 'energy per execution', data: ratios.functions.map((f) => f.energyRatio) },
      errorBars(
        'performance spread',
        ratios.functions.flatMap((f, i) => (f.perfLow !== undefined && f.perfHigh !== undefined ? [[i, f.perfLow, f.perfHigh] as const] : [])),
        0,
        2,
      ),
      errorBars(
        'energy spread',
        ratios.functions.flatMap((f, i) => (f.energyLow !== undefined && f.energyHigh !== undefined ? [[i, f.energyLow, f.energyHigh] as const] : [])),
        1,
        2,
      ),
      { type: 'line', name: 'ARM = 1', showSymbol: false, lineStyle: { type: 'dashed', color: '#888' }, data: names.map(() => 1) },
    ],
  };
  return {
    id: 'models',
    title: 'Per function: x86 performance and energy normalised to ARM',
    note: `${better} of ${ratios.functions.length} functions are better on ARM in performance or energy (performance ratio < 1 or energy ratio > 1). Models ${from}; source: ${ratios.source ?? 'unstated'}.`,
    charts: [{ title: 'x86 / ARM', svg: svgChart(option, 1000, 460) }],
    tables: [
      {
        id: 'model-ratios',
        title: 'x86 / ARM per function',
        head: ['function', 'category', 'performance x86/ARM', 'perf low', 'perf high', 'energy x86/ARM', 'energy low', 'energy high', 'better on ARM'],
        rows: ratios.functions.map((f) => [f.function, f.category, f.perfRatio, f.perfLow, f.perfHigh, f.energyRatio, f.energyLow, f.energyHigh, f.armBetter]),
      },
    ],
  };
}

function ratesSection(records: readonly RunRecord[]): Section {
  const labels = records.map(runLabel);
  const fnNames = [...new Set(records.flatMap((r) => r.functions.map((f) => f.name)))];
  const tol = records[0]?.rateTolerance ?? 0.02;
  const ratio: ChartOption = {
    title: {
      text: `Achieved / requested rate per function, each run (dashed: 1 - tolerance = ${(1 - tol).toFixed(2)})`,
      left: 'center',
      textStyle: { fontSize: 14 },
    },
    grid: { top: 50, left: 60, right: 20, bottom: 120 },
    xAxis: { type: 'category', data: labels, axisLabel: { rotate: 60, fontSize: 10 } },
    yAxis: { type: 'value', name: 'achieved / requested', scale: true },
    series: [
      {
        type: 'scatter',
        name: 'functions',
        symbolSize: 6,
        data: records.flatMap((r, i) =>
          r.functions.map((f) => ({
            value: [i, f.requestedRps > 0 ? f.achievedRps / f.requestedRps : 0],
            itemStyle: { color: f.metRate ? '#3b7dd8' : '#d62728' },
          })),
        ),
      },
      { type: 'line', name: 'threshold', showSymbol: false, lineStyle: { type: 'dashed', color: '#d62728' }, data: labels.map(() => 1 - tol) },
    ],
  };
  const latency: ChartOption = {
    title: { text: 'Latency percentiles per run (ms, over every function’s completions; log scale)', left: 'center', textStyle: { fontSize: 14 } },
    legend: { top: 30 },
    grid: { top: 80, left: 60, right: 20, bottom: 120 },
    xAxis: { type: 'category', data: labels, axisLabel: { rotate: 60, fontSize: 10 } },
    yAxis: { type: 'log', name: 'ms' },
    series: (['p50', 'p95', 'p99'] as const).map((p) => ({
      type: 'scatter' as const,
      name: p,
      symbolSize: 5,
      data: records.flatMap((r, i) => r.functions.flatMap((f) => (f.latencyMs && f.latencyMs[p] > 0 ? [[i, f.latencyMs[p]]] : []))),
    })),
  };
  const hostIds = [...new Set(records.flatMap((r) => r.hosts.map((h) => h.id)))];
  const cores: ChartOption = {
    title: { text: 'Cores used per host, each run', left: 'center', textStyle: { fontSize: 14 } },
    legend: { top: 30 },
    grid: { top: 80, left: 60, right: 20, bottom: 120 },
    xAxis: { type: 'category', data: labels, axisLabel: { rotate: 60, fontSize: 10 } },
    yAxis: { type: 'value', name: 'cores' },
    series: hostIds.map((h) => ({ type: 'bar' as const, name: h, stack: 'cores', data: records.map((r) => r.hosts.find((x) => x.id === h)?.coresUsed ?? 0) })),
  };
  const rows = records.flatMap((r) => r.functions.map((f) => [r.id, r.mix, r.policy, ...FUNCTION_COLUMNS.map((c) => c.value(f)), f.reason]));
  return {
    id: 'rates',
    title: 'Rates, latency and cores per run',
    note: `${records.filter((r) => r.metRates).length} of ${records.length} runs met their rates (every function achieved at least (1 - tolerance) of its requested rate). ${fnNames.length} functions.`,
    charts: [
      { title: 'achieved / requested', svg: svgChart(ratio, 1000, 420) },
      { title: 'latency', svg: svgChart(latency, 1000, 420) },
      { title: 'cores per host', svg: svgChart(cores, 1000, 420) },
    ],
    tables: [
      {
        id: 'functions-per-run',
        title: 'Per function per run',
        head: ['run', 'mix', 'policy', ...FUNCTION_COLUMNS.map((c) => c.head), 'why not met'],
        rows,
      },
      {
        id: 'hosts-per-run',
        title: 'Per host per run',
        head: ['run', 'mix', 'policy', ...HOST_COLUMNS.map((c) => c.head)],
        rows: records.flatMap((r) => r.hosts.map((h) => [r.id, r.mix, r.policy, ...HOST_COLUMNS.map((c) => c.value(h))])),
      },
    ],
  };
}

function provenanceTable(records: readonly RunRecord[]): DataTable {
  return {
    id: 'provenance',
    title: 'Inputs and versions per run',
    head: ['run', 'started', 'kind', 'models file', 'models source', 'solver', 'commit', 'isawatt', 'node'],
    rows: records.map((r) => {
      const v = (r.inputs.versions ?? {}) as Record<string, unknown>;
      return [
        r.id,
        r.startedAt,
        r.kind,
        str(r.inputs.modelsFile),
        str(r.inputs.modelsSource),
        str(r.inputs.solver),
        str(v.commit),
        str(v.isawatt),
        str(v.node),
      ];
    }),
  };
}

const STYLE = `body{font-family:sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ccc}
.banner{background:#fff3cd;border:1px solid #e0c060;padding:8px 12px;margin:12px 0}
.chart{margin:12px 0}.chart svg{max-width:100%;height:auto}
table{border-collapse:collapse;font-size:12px;margin:8px 0}td,th{border:1px solid #ddd;padding:2px 6px}td.n{text-align:right}
summary{cursor:pointer;margin:6px 0}.note{color:#555;font-size:13px}`;

export function renderReport(records: readonly RunRecord[], opts: ReportOptions = {}): string {
  if (records.length === 0) throw new Error('report: no run records');
  const { models, from } = modelsOf(records, opts.models);
  const qualities = [...new Set(records.flatMap((r) => [r.energyQuality, ...r.hosts.map((h) => h.energyQuality)]))];
  const experiments = [...new Set(records.map((r) => r.experimentId).filter((x): x is string => x !== undefined))];
  const sections = [...(opts.extraSections ?? []), ...energySections(records), powerSection(records), modelSection(models, from), ratesSection(records)];
  const labelNote = qualities.filter((q) => q !== 'measured');
  const banner = labelNote.length
    ? `<p class="banner">Energy figures in this report are ${labelNote.map((q) => `<b>${escapeHtml(q.toUpperCase())}</b>`).join(', ')}${qualities.includes('measured') ? ' and MEASURED' : ''}: ${labelNote.includes('simulated') ? 'simulated runs are computed, not run; ' : ''}${labelNote.includes('emulated') ? 'emulated hosts are not real machines; ' : ''}${labelNote.includes('estimated') ? 'estimated figures come from CPU utilisation and a power profile; ' : ''}see each table’s quality column.</p>`
    : '<p class="note">Every energy figure is MEASURED (PDU or hardware sensor).</p>';
  const body = sections
    .map(
      (s) => `<section id="${escapeHtml(s.id)}"><h2>${escapeHtml(s.title)}</h2>${s.note ? `<p class="note">${escapeHtml(s.note)}</p>` : ''}
${s.charts.map((c) => `<div class="chart" data-chart="${escapeHtml(c.title)}">${c.svg}</div>`).join('\n')}
${s.tables.map(tableHtml).join('\n')}</section>`,
    )
    .join('\n');
  const title =
    opts.title ??
    (experiments.length ? `isawatt report: ${experiments.join(', ')}` : `isawatt report: ${records.length} run${records.length === 1 ? '' : 's'}`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1>
<p class="note">Generated ${escapeHtml(opts.generatedAt ?? new Date().toISOString())} from ${records.length} run record${records.length === 1 ? '' : 's'} (${escapeHtml([...new Set(records.map((r) => r.kind))].join(', '))}). Charts: Apache ECharts, rendered to SVG when the report was written.</p>
${banner}
${body}
<section id="inputs"><h2>Inputs and versions</h2>${tableHtml(provenanceTable(records))}</section>
</body></html>
`;
}
