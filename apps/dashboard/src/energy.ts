// The energy chart's series, apart from the page so that what it draws can be tested without a browser: each flow of
// the telemetry windows stacked (sources above zero, uses below), the battery's signed state of charge as a line on a
// second axis, a break wherever a window is missing, and a mark on every window of a short run (a lone live window
// after the backfilled hour, say), which a stacked area would draw as a sliver or not at all.
import type { TelemetryWindow } from './api.ts';
import { formatKwh } from './format.ts';

export type FlowKey = 'pvWh' | 'batteryOutWh' | 'gridImportWh' | 'gpuWh' | 'evWh' | 'batteryInWh' | 'gridExportWh';

export const FLOWS: { key: FlowKey; name: string; color: string; sign: 1 | -1 }[] = [
  { key: 'pvWh', name: 'PV generation', color: '#f2b705', sign: 1 },
  { key: 'batteryOutWh', name: 'battery discharge', color: '#3a8dde', sign: 1 },
  { key: 'gridImportWh', name: 'grid import', color: '#7a7a7a', sign: 1 },
  { key: 'gpuWh', name: 'GPU consumption', color: '#8e44ad', sign: -1 },
  { key: 'evWh', name: 'EV charging', color: '#16a085', sign: -1 },
  { key: 'batteryInWh', name: 'battery charge', color: '#9cc7f0', sign: -1 },
  { key: 'gridExportWh', name: 'grid export', color: '#bdbdbd', sign: -1 },
];

/** A run of windows shorter than this share of the chart's time span is marked window by window. */
export const SHORT_RUN_SHARE = 0.02;
/** The chart's right margin, px: room for the state of charge axis and its name. */
export const CHART_RIGHT_PX = 80;
/** The battery state of charge series' name (its legend and tooltip entry). */
export const SOC_SERIES = 'battery state of charge (at the window end)';
/** The marks' diameters, px: a flow's dot, and the state of charge's ring (hollow, so a dot inside it shows). */
export const MARK_SIZE = 8;
export const RING_SIZE = 13;
/** A ring as a path symbol (outer circle clockwise, inner counter-clockwise: a hole), filled with the series' colour. */
const RING = 'path://M0,-10A10,10 0 1,1 0,10A10,10 0 1,1 0,-10ZM0,-7A7,7 0 1,0 0,7A7,7 0 1,0 0,-7Z';

type Mark = 'dot' | 'ring';
type Point = [number, number | null] | { value: [number, number]; symbol: string; symbolSize: number };

/** For each window, whether it belongs to a short run (consecutive windows, no time between them). */
export function shortRuns(windows: TelemetryWindow[]): boolean[] {
  if (windows.length === 0) return [];
  const span = windows[windows.length - 1]!.windowEnd - windows[0]!.windowStart;
  const out: boolean[] = [];
  let start = 0;
  for (let i = 1; i <= windows.length; i++) {
    const w = windows[i];
    if (w !== undefined && w.windowStart <= windows[i - 1]!.windowEnd) continue;
    const run = windows.slice(start, i);
    const length = run[run.length - 1]!.windowEnd - run[0]!.windowStart;
    const short = run.length === 1 || length < span * SHORT_RUN_SHARE;
    for (let j = start; j < i; j++) out.push(short);
    start = i;
  }
  return out;
}

/** Chart points of the windows, with a break (a null point) wherever a window is missing, so that a time without
 * telemetry is drawn as a gap, not as a line across it; a window of a short run with energy in it carries a mark (a
 * level such as the state of charge, `markZero`, is marked at 0 too: an empty battery is a value, not an absence). */
export function points(
  windows: TelemetryWindow[],
  value: (w: TelemetryWindow) => number,
  mark: Mark = 'dot',
  markZero = false,
): Point[] {
  const marked = shortRuns(windows);
  const out: Point[] = [];
  windows.forEach((w, i) => {
    const prev = windows[i - 1];
    if (prev !== undefined && w.windowStart > prev.windowEnd) out.push([prev.windowEnd * 1000, null]);
    const v = value(w);
    out.push(
      marked[i] && (v !== 0 || markZero)
        ? mark === 'dot'
          ? { value: [w.windowStart * 1000, v], symbol: 'circle', symbolSize: MARK_SIZE }
          : { value: [w.windowStart * 1000, v], symbol: RING, symbolSize: RING_SIZE }
        : [w.windowStart * 1000, v],
    );
  });
  return out;
}

/** The series of the energy chart: the stacked flows on the first axis (Wh per window), and the battery's state of
 * charge at each window's end as signed by the device (`batterySocWh`, Wh as the API gives it) on the second axis,
 * labelled in kWh, whose marks are hollow rings, so that a flow's dot at the same place shows inside. */
export function energySeries(windows: TelemetryWindow[]) {
  return [
    ...FLOWS.map((f) => ({
      name: f.name,
      type: 'line',
      stack: f.sign > 0 ? 'sources' : 'uses',
      areaStyle: {},
      symbol: 'none',
      showAllSymbol: true,
      lineStyle: { width: 0.5 },
      color: f.color,
      data: points(windows, (w) => f.sign * w[f.key]),
    })),
    {
      name: SOC_SERIES,
      type: 'line',
      yAxisIndex: 1,
      symbol: 'none',
      showAllSymbol: true,
      color: '#1f3f8f',
      lineStyle: { width: 2 },
      tooltip: { valueFormatter: (v: number | null) => (v === null ? 'no window' : formatKwh(v)) },
      data: points(windows, (w) => w.batterySocWh, 'ring', true),
    },
  ];
}

/** The second y-axis, of the state of charge: Wh values labelled in kWh, from 0 to the node's registered capacity
 * (`batteryWh`), so a full battery reaches the top; a node without a battery gets the axis ECharts fits. */
export function socAxis(capacityWh: number | undefined) {
  return {
    type: 'value',
    name: 'battery state of charge (kWh)',
    nameLocation: 'middle',
    nameGap: 50,
    position: 'right',
    min: 0,
    minInterval: 1,
    ...(capacityWh !== undefined && capacityWh > 0 ? { max: capacityWh } : {}),
    splitLine: { show: false },
    // Ticks in whole kWh read without the three zero decimals ("2,000", not "2,000.000"); others keep them.
    axisLabel: {
      formatter: (v: number) =>
        formatKwh(v)
          .replace(' kWh', '')
          .replace(/\.000$/, ''),
    },
  };
}
