import { useMemo, useState } from 'react';
import { allPages, getClock, listNodeTelemetry, type TelemetryWindow } from '../api.ts';
import { formatInt, formatKwh, formatUtc } from '../format.ts';
import { CHART_RIGHT_PX, energySeries, FLOWS, socAxis } from '../energy.ts';
import { Chart, Empty, Show, TIME_LABELS, useApi } from '../ui.tsx';
import { allNodes, geohashOf, siteTypeName } from './Fleet.tsx';

const REFRESH_MS = 10_000;
/** The ranges to choose from, hours back from now. */
const RANGES_H = [1, 6, 24] as const;
/** One hour of one-minute windows per request. */
const WINDOWS_PER_REQUEST = 60;

/** The sites to choose from: every registered node (`/v1/nodes`), with its registered battery capacity. */
async function nodeChoices(): Promise<{ nodeId: string; label: string; batteryWh: number }[]> {
  return (await allNodes()).map((n) => ({
    nodeId: n.nodeId,
    label: `node ${n.nodeId} · ${siteTypeName(n.spec.siteType)} · geohash ${geohashOf(n)}`,
    batteryWh: n.spec.batteryWh,
  }));
}

function EnergyChart({ windows, batteryWh }: { windows: TelemetryWindow[]; batteryWh: number | undefined }) {
  const option = useMemo(
    () => ({
      tooltip: {
        trigger: 'axis',
        className: 'energy-tooltip',
        // A break in the chart (no window) has no values: say so rather than 0 Wh.
        valueFormatter: (v: number | null) => (v === null ? 'no window' : formatInt(Math.abs(v), 'Wh')),
      },
      legend: { top: 0 },
      grid: { left: 70, right: CHART_RIGHT_PX, top: 60, bottom: 70 },
      xAxis: { type: 'time', name: 'window start (UTC)', nameLocation: 'middle', nameGap: 30, axisLabel: TIME_LABELS },
      yAxis: [
        {
          type: 'value',
          name: 'Wh per window (sources above 0, uses below)',
          nameLocation: 'middle',
          nameGap: 55,
          axisLabel: { formatter: (v: number) => String(Math.abs(v)) },
        },
        socAxis(batteryWh),
      ],
      dataZoom: [{ type: 'inside' }, { type: 'slider', height: 16, bottom: 8 }],
      series: energySeries(windows),
    }),
    [windows, batteryWh],
  );
  return <Chart option={option} height={420} id="energy-chart" />;
}

export function EnergyPage() {
  const choices = useApi(nodeChoices, []);
  const [picked, setPicked] = useState<string | null>(null);
  const [rangeH, setRangeH] = useState<number>(6);
  const nodeId = picked ?? (choices.state === 'ok' ? (choices.data[0]?.nodeId ?? null) : null);
  const batteryWh = choices.state === 'ok' ? choices.data.find((c) => c.nodeId === nodeId)?.batteryWh : undefined;
  const energy = useApi(
    async () => {
      if (nodeId === null) return null;
      // The service's time, not the browser's: the devnet's clock runs an hour a minute.
      const to = (await getClock()).nowS;
      // Every window of the range, an hour of windows per request, following nextCursor to the last page.
      return allPages((q) => listNodeTelemetry(nodeId, to - rangeH * 3600, to, q), WINDOWS_PER_REQUEST);
    },
    [nodeId, rangeH],
    REFRESH_MS,
  );
  return (
    <section>
      <h2>Energy</h2>
      <p className="lede">
        Where one site's energy came from and went, in each signed telemetry window (one minute) over the chosen range;
        refreshed every {REFRESH_MS / 1000} s. Sources (PV, battery discharge, grid import) are stacked above zero, uses
        (GPUs, EV charging, battery charge, grid export) below. The line is the battery's state of charge at the end of
        each window, as the device signed it, on the right axis in kWh, whose top is the battery's registered capacity
        (a window claiming more than that is rejected as impossible). Each window is drawn at its start. A break in the
        chart is a time with no window received; windows too few to show as an area (a lone live window after the
        backfilled hour, say) are marked with a dot per flow and a ring on the state of charge.
      </p>
      <Show value={choices} what="Sites">
        {(list) =>
          list.length === 0 ? (
            <Empty>No site reports yet.</Empty>
          ) : (
            <label>
              Site:{' '}
              <select id="energy-node" value={nodeId ?? ''} onChange={(e) => setPicked(e.target.value)}>
                {list.map((c) => (
                  <option key={c.nodeId} value={c.nodeId}>
                    {c.label}
                  </option>
                ))}
              </select>{' '}
              Range:{' '}
              <select id="energy-range" value={rangeH} onChange={(e) => setRangeH(Number(e.target.value))}>
                {RANGES_H.map((h) => (
                  <option key={h} value={h}>
                    last {h} h
                  </option>
                ))}
              </select>
            </label>
          )
        }
      </Show>
      <Show value={energy} what="Energy flows">
        {(windows) =>
          windows === null ? null : windows.length === 0 ? (
            <Empty>No telemetry window of this site in the last {rangeH} h.</Empty>
          ) : (
            <>
              <EnergyChart windows={windows} batteryWh={batteryWh} />
              <p className="note" id="energy-count">
                <span data-figure="energy-windows">{formatInt(windows.length)}</span> windows in the range, the first
                starting <span data-figure="energy-first">{formatUtc(windows[0]!.windowStart)}</span>. Latest window:{' '}
                {formatUtc(windows[windows.length - 1]!.windowStart)} –{' '}
                {formatUtc(windows[windows.length - 1]!.windowEnd)}
              </p>
              <table id="energy-latest" aria-label="latest window, Wh">
                <thead>
                  <tr>
                    {FLOWS.map((f) => (
                      <th key={f.key} className="num">
                        {f.name} (Wh)
                      </th>
                    ))}
                    <th className="num">battery state of charge at the end</th>
                  </tr>
                </thead>
                <tbody>
                  <tr>
                    {FLOWS.map((f) => (
                      <td key={f.key} className="num" data-col={f.key}>
                        {formatInt(windows[windows.length - 1]![f.key])}
                      </td>
                    ))}
                    <td className="num" data-col="batterySocWh">
                      {formatKwh(windows[windows.length - 1]!.batterySocWh)}
                    </td>
                  </tr>
                </tbody>
              </table>
            </>
          )
        }
      </Show>
    </section>
  );
}
