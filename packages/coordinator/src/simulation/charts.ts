// Charts of the simulation, drawn by Apache ECharts in its server-side rendering mode (SVG strings,
// no DOM, no browser): grouped bars (energy per policy per mix) and lines (saving vs round robin as
// load or the ARM share grows). Kept in one small module so that it can move into the report.
import * as echarts from 'echarts';

/** One colour per policy in every chart (the same as the experiment report's). */
const POLICY_COLOURS: Readonly<Record<string, string>> = {
  rr: '#7f7f7f',
  'x86-first': '#1f77b4',
  'arm-first': '#ff7f0e',
  'core-aware': '#9467bd',
  'energy-aware': '#2ca02c',
  'energy-aware-whole': '#17becf',
};
const colourOf = (name: string): { color: string } | undefined => (POLICY_COLOURS[name] ? { color: POLICY_COLOURS[name] } : undefined);

export interface ChartSeries {
  readonly name: string;
  /** One value per category / x; null where there is none (no plan). */
  readonly values: readonly (number | null)[];
}

export interface ChartSpec {
  readonly title: string;
  readonly subtitle?: string | undefined;
  readonly categories: readonly string[];
  readonly xName: string;
  readonly yName: string;
  readonly series: readonly ChartSeries[];
  readonly width?: number | undefined;
  readonly height?: number | undefined;
}

function render(option: echarts.EChartsCoreOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

function base(spec: ChartSpec): echarts.EChartsCoreOption {
  return {
    animation: false,
    title: { text: spec.title, subtext: spec.subtitle, left: 'center', textStyle: { fontSize: 14 } },
    legend: { bottom: 0, type: 'plain' },
    grid: { left: 70, right: 30, top: spec.subtitle ? 70 : 50, bottom: 70 },
    xAxis: { type: 'category', name: spec.xName, nameLocation: 'middle', nameGap: 28, data: [...spec.categories] },
    yAxis: { type: 'value', name: spec.yName, nameLocation: 'middle', nameGap: 50 },
  };
}

export function barChartSvg(spec: ChartSpec): string {
  return render(
    { ...base(spec), series: spec.series.map((s) => ({ type: 'bar', name: s.name, itemStyle: colourOf(s.name), data: [...s.values] })) },
    spec.width ?? 820,
    spec.height ?? 380,
  );
}

export function lineChartSvg(spec: ChartSpec): string {
  return render(
    {
      ...base(spec),
      series: spec.series.map((s) => ({
        type: 'line',
        name: s.name,
        itemStyle: colourOf(s.name),
        lineStyle: colourOf(s.name),
        data: [...s.values],
        connectNulls: false,
        symbolSize: 6,
      })),
    },
    spec.width ?? 820,
    spec.height ?? 380,
  );
}
