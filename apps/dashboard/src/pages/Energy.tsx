import { useMemo, useState } from 'react';
import { getNodeEnergy, listLightNodes, listNodes, type EnergyWindow } from '../api.ts';
import { formatInt, formatUtc } from '../format.ts';
import { Chart, Empty, Show, TIME_LABELS, useApi } from '../ui.tsx';

const REFRESH_MS = 5_000;
const SPAN_SECONDS = 6 * 3600;

/** The sites to choose from: `/v1/nodes`, or (until it is served) the devices reporting as light nodes. */
async function nodeChoices(): Promise<{ nodeId: number; label: string }[]> {
  try {
    const page = await listNodes({ limit: 200 });
    return page.items.map((n) => ({ nodeId: n.nodeId, label: `node ${n.nodeId} · ${n.siteType} · ${n.zone}` }));
  } catch {
    const page = await listLightNodes();
    return page.items
      .filter((l) => l.nodeId !== null)
      .map((l) => ({ nodeId: l.nodeId!, label: `node ${l.nodeId}${l.deviceId ? ' · ' + l.deviceId : ''}` }));
  }
}

const FLOWS: { key: keyof EnergyWindow; name: string; color: string; sign: 1 | -1 }[] = [
  { key: 'pvWh', name: 'PV generation', color: '#f2b705', sign: 1 },
  { key: 'batteryOutWh', name: 'battery discharge', color: '#3a8dde', sign: 1 },
  { key: 'gridImportWh', name: 'grid import', color: '#7a7a7a', sign: 1 },
  { key: 'gpuWh', name: 'GPU consumption', color: '#8e44ad', sign: -1 },
  { key: 'evWh', name: 'EV charging', color: '#16a085', sign: -1 },
  { key: 'batteryInWh', name: 'battery charge', color: '#9cc7f0', sign: -1 },
  { key: 'gridExportWh', name: 'grid export', color: '#bdbdbd', sign: -1 },
];

function EnergyChart({ windows }: { windows: EnergyWindow[] }) {
  const option = useMemo(
    () => ({
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: number) => formatInt(Math.abs(v), 'Wh'),
      },
      legend: { top: 0 },
      grid: { left: 70, right: 30, top: 60, bottom: 70 },
      xAxis: { type: 'time', name: 'window start (UTC)', nameLocation: 'middle', nameGap: 30, axisLabel: TIME_LABELS },
      yAxis: {
        type: 'value',
        name: 'Wh per window (sources above 0, uses below)',
        nameLocation: 'middle',
        nameGap: 55,
        axisLabel: { formatter: (v: number) => String(Math.abs(v)) },
      },
      dataZoom: [{ type: 'inside' }, { type: 'slider', height: 16, bottom: 8 }],
      series: [
        ...FLOWS.map((f) => ({
          name: f.name,
          type: 'line',
          stack: f.sign > 0 ? 'sources' : 'uses',
          areaStyle: {},
          symbol: 'none',
          lineStyle: { width: 0.5 },
          color: f.color,
          data: windows.map((w) => [w.windowStart * 1000, f.sign * (w[f.key] as number)]),
        })),
        {
          name: 'net battery (discharge − charge)',
          type: 'line',
          symbol: 'none',
          color: '#1f3f8f',
          lineStyle: { type: 'dashed', width: 1.5 },
          data: windows.map((w) => [w.windowStart * 1000, w.batteryOutWh - w.batteryInWh]),
        },
      ],
    }),
    [windows],
  );
  return <Chart option={option} height={420} id="energy-chart" />;
}

export function EnergyPage() {
  const choices = useApi(nodeChoices, []);
  const [picked, setPicked] = useState<number | null>(null);
  const nodeId = picked ?? (choices.state === 'ok' ? (choices.data[0]?.nodeId ?? null) : null);
  const energy = useApi(
    async () => {
      if (nodeId === null) return null;
      const to = Math.floor(Date.now() / 1000);
      return getNodeEnergy(nodeId, to - SPAN_SECONDS, to, { limit: 1000 });
    },
    [nodeId],
    REFRESH_MS,
  );
  return (
    <section>
      <h2>Energy</h2>
      <p className="lede">
        Where one site's energy came from and went, in each signed telemetry window (one minute), over the last{' '}
        {SPAN_SECONDS / 3600} hours; refreshed every {REFRESH_MS / 1000} s. Sources (PV, battery discharge, grid import)
        are stacked above zero, uses (GPUs, EV charging, battery charge, grid export) below. The telemetry message does
        not carry the battery's state of charge, so the dashed line shows the net battery energy of each window instead
        (discharge − charge, Wh; above zero: the battery gave energy).
      </p>
      <Show value={choices} what="Sites">
        {(list) =>
          list.length === 0 ? (
            <Empty>No site reports yet.</Empty>
          ) : (
            <label>
              Site:{' '}
              <select id="energy-node" value={nodeId ?? ''} onChange={(e) => setPicked(Number(e.target.value))}>
                {list.map((c) => (
                  <option key={c.nodeId} value={c.nodeId}>
                    {c.label}
                  </option>
                ))}
              </select>
            </label>
          )
        }
      </Show>
      <Show value={energy} what="Energy flows">
        {(page) =>
          page === null ? null : page.items.length === 0 ? (
            <Empty>No telemetry window of this site in the last {SPAN_SECONDS / 3600} hours.</Empty>
          ) : (
            <>
              <EnergyChart windows={page.items} />
              <p className="note">
                Latest window: {formatUtc(page.items[page.items.length - 1]!.windowStart)} –{' '}
                {formatUtc(page.items[page.items.length - 1]!.windowEnd)}
              </p>
              <table id="energy-latest" aria-label="latest window, Wh">
                <thead>
                  <tr>
                    {FLOWS.map((f) => (
                      <th key={f.key} className="num">
                        {f.name} (Wh)
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  <tr>
                    {FLOWS.map((f) => (
                      <td key={f.key} className="num" data-col={f.key}>
                        {formatInt(page.items[page.items.length - 1]![f.key] as number)}
                      </td>
                    ))}
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
