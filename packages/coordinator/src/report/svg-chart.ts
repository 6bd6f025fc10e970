// Apache ECharts rendered server-side to an SVG string (its SSR mode): no browser, no script in
// the page, the chart is plain SVG inside the report. Animation is off (a static file).
import * as echarts from 'echarts';

export type ChartOption = echarts.EChartsOption;

export function svgChart(option: ChartOption, width = 900, height = 420): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, backgroundColor: '#ffffff', textStyle: { fontFamily: 'sans-serif' }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/**
 * A custom series that draws vertical error bars [x index, low, high] on a category axis; with
 * several bar series per category, `offsetPx` moves the bar onto its own bar of the group.
 */
export function errorBars(
  name: string,
  data: readonly (readonly [number, number, number])[],
  barIndex = 0,
  barCount = 1,
  xAxisIndex = 0,
): echarts.CustomSeriesOption {
  return {
    type: 'custom',
    name,
    xAxisIndex,
    z: 10,
    silent: true,
    encode: { x: 0, y: [1, 2] },
    data: data.map((d) => [...d]),
    renderItem: (_params, api) => {
      const x = api.value(0) as number;
      const lo = api.coord([x, api.value(1)]);
      const hi = api.coord([x, api.value(2)]);
      const band = (api.size?.([1, 0]) as number[] | undefined)?.[0] ?? 40;
      const slot = (band * 0.8) / barCount;
      const cx = (lo[0] ?? 0) - band * 0.4 + slot * (barIndex + 0.5);
      const y0 = lo[1] ?? 0;
      const y1 = hi[1] ?? 0;
      const style = { stroke: '#222', lineWidth: 1.2 };
      return {
        type: 'group',
        children: [
          { type: 'line', shape: { x1: cx, y1: y0, x2: cx, y2: y1 }, style },
          { type: 'line', shape: { x1: cx - 4, y1: y0, x2: cx + 4, y2: y0 }, style },
          { type: 'line', shape: { x1: cx - 4, y1: y1, x2: cx + 4, y2: y1 }, style },
        ],
      };
    },
  };
}
