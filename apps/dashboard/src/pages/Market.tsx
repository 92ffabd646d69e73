import { useMemo, useState } from 'react';
import { listIndex, listMarkets, listTrades, type IndexPoint, type Market, type Trade } from '../api.ts';
import {
  formatDuration,
  formatInt,
  formatSlot,
  formatUsdc6,
  formatUtc,
  shortHex,
  usdc6ToChartNumber,
} from '../format.ts';
import { Chart, Empty, Show, TIME_LABELS, useApi } from '../ui.tsx';

const REFRESH_MS = 10_000;
const usd = (v: number) => `${v.toFixed(6)} USD`;

function PriceCharts({ trades }: { trades: Trade[] }) {
  const bySlot = useMemo(() => {
    const m = new Map<number, Trade[]>();
    for (const t of [...trades].sort((a, b) => a.timestamp - b.timestamp)) m.set(t.slot, [...(m.get(t.slot) ?? []), t]);
    return [...m.entries()].sort((a, b) => a[0] - b[0]);
  }, [trades]);
  const overTime = useMemo(
    () => ({
      tooltip: { trigger: 'item', valueFormatter: usd },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 80, right: 20, top: 40, bottom: 50 },
      xAxis: { type: 'time', name: 'trade time (UTC)', nameLocation: 'middle', nameGap: 30, axisLabel: TIME_LABELS },
      yAxis: { type: 'value', scale: true, name: 'price per hour (USD)', nameLocation: 'middle', nameGap: 60 },
      series: bySlot.map(([slot, ts]) => ({
        name: `slot ${formatSlot(slot).slice(5, 16)}`,
        type: 'line',
        data: ts.map((t) => [t.timestamp * 1000, usdc6ToChartNumber(t.priceUsdc6)]),
      })),
    }),
    [bySlot],
  );
  const toSlot = useMemo(
    () => ({
      tooltip: { trigger: 'item', valueFormatter: usd },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 80, right: 20, top: 40, bottom: 50 },
      xAxis: {
        type: 'value',
        name: 'hours until the slot starts',
        nameLocation: 'middle',
        nameGap: 30,
        inverse: true,
      },
      yAxis: { type: 'value', scale: true, name: 'price per hour (USD)', nameLocation: 'middle', nameGap: 60 },
      series: bySlot.map(([slot, ts]) => ({
        name: `slot ${formatSlot(slot).slice(5, 16)}`,
        type: 'line',
        data: ts.map((t) => [(slot * 3600 - t.timestamp) / 3600, usdc6ToChartNumber(t.priceUsdc6)]),
      })),
    }),
    [bySlot],
  );
  return (
    <div className="two">
      <div>
        <h4>Price of each slot over time</h4>
        <Chart option={overTime} id="price-time-chart" />
      </div>
      <div>
        <h4>Price against time to the slot</h4>
        <Chart option={toSlot} id="price-toslot-chart" />
      </div>
    </div>
  );
}

function Depth({ markets }: { markets: Market[] }) {
  const option = useMemo(() => {
    const sorted = [...markets].sort((a, b) => a.slot - b.slot);
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 70, right: 70, top: 40, bottom: 50 },
      xAxis: {
        type: 'category',
        name: 'slot (UTC start)',
        nameLocation: 'middle',
        nameGap: 30,
        data: sorted.map((m) => formatSlot(m.slot).slice(5, 16)),
      },
      yAxis: [
        { type: 'value', name: 'hours for sale', minInterval: 1 },
        { type: 'value', name: 'cash in the market (USD)' },
      ],
      series: [
        {
          name: 'hours for sale',
          type: 'bar',
          color: '#2e9e55',
          barMaxWidth: 40,
          data: sorted.map((m) => Number(m.hoursReserve)),
        },
        {
          name: 'cash in the market (USD)',
          type: 'bar',
          barMaxWidth: 40,
          yAxisIndex: 1,
          color: '#3a8dde',
          data: sorted.map((m) => usdc6ToChartNumber(m.cashReserveUsdc6)),
        },
      ],
    };
  }, [markets]);
  return <Chart option={option} height={260} id="depth-chart" />;
}

function IndexChart({ points, classId }: { points: IndexPoint[]; classId: number | null }) {
  const option = useMemo(() => {
    const classes = [...new Set(points.map((p) => p.classId))].filter((c) => classId === null || c === classId);
    return {
      tooltip: { trigger: 'axis', valueFormatter: usd },
      legend: { top: 0 },
      grid: { left: 80, right: 20, top: 40, bottom: 50 },
      xAxis: { type: 'time', name: 'time (UTC)', nameLocation: 'middle', nameGap: 30, axisLabel: TIME_LABELS },
      yAxis: { type: 'value', scale: true, name: 'index value per hour (USD)', nameLocation: 'middle', nameGap: 60 },
      series: classes.map((c) => ({
        name: `class ${c}`,
        type: 'line',
        data: points
          .filter((p) => p.classId === c)
          .sort((a, b) => a.timestamp - b.timestamp)
          .map((p) => [p.timestamp * 1000, usdc6ToChartNumber(p.valueUsdc6)]),
      })),
    };
  }, [points, classId]);
  return <Chart option={option} height={260} id="index-chart" />;
}

export function MarketPage() {
  const markets = useApi(() => listMarkets(undefined, { limit: 500 }), [], REFRESH_MS);
  const [picked, setPicked] = useState<number | null>(null);
  const classes =
    markets.state === 'ok' ? [...new Set(markets.data.items.map((m) => m.classId))].sort((a, b) => a - b) : [];
  const classId = picked ?? classes[0] ?? null;
  const trades = useApi(
    async () => (classId === null ? null : listTrades(classId, undefined, { limit: 500 })),
    [classId],
    REFRESH_MS,
  );
  const index = useApi(() => listIndex({ limit: 1000 }), [], REFRESH_MS);
  return (
    <section>
      <h2>Market</h2>
      <p className="lede">
        Green compute hours of one capacity class and one hour slot are traded against USD in the hour market. A slot's
        price decays toward its floor as the slot approaches; hours cannot be transferred once the slot has started.
        Prices are per GPU-hour, in USD (6 decimals).
      </p>
      <Show value={markets} what="Markets">
        {(page) => {
          const rows = page.items.filter((m) => m.classId === classId).sort((a, b) => a.slot - b.slot);
          return page.items.length === 0 ? (
            <Empty>No market is open.</Empty>
          ) : (
            <>
              <label>
                Capacity class:{' '}
                <select id="market-class" value={classId ?? ''} onChange={(e) => setPicked(Number(e.target.value))}>
                  {classes.map((c) => (
                    <option key={c} value={c}>
                      class {c}
                    </option>
                  ))}
                </select>
              </label>
              <table id="markets-table">
                <thead>
                  <tr>
                    <th>slot (UTC start)</th>
                    <th className="num">spot price per hour</th>
                    <th className="num">ask per hour</th>
                    <th className="num">hours for sale</th>
                    <th className="num">cash in the market</th>
                    <th className="num">time to slot</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((m) => (
                    <tr key={m.slot} data-slot={m.slot}>
                      <td>{formatSlot(m.slot)}</td>
                      <td className="num" data-col="spot">
                        {formatUsdc6(m.spotUsdc6)}
                      </td>
                      <td className="num" data-col="ask">
                        {formatUsdc6(m.askUsdc6)}
                      </td>
                      <td className="num" data-col="hours">
                        {formatInt(m.hoursReserve)}
                      </td>
                      <td className="num" data-col="cash">
                        {formatUsdc6(m.cashReserveUsdc6)}
                      </td>
                      <td className="num">{formatDuration(m.secondsToSlot)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <h3>Depth: what each slot's market holds</h3>
              <Depth markets={rows} />
            </>
          );
        }}
      </Show>
      <h3>Trades</h3>
      <Show value={trades} what="Trades">
        {(page) =>
          page === null ? (
            <Empty>Trades are listed per capacity class, once the markets above are available.</Empty>
          ) : page.items.length === 0 ? (
            <Empty>No trade in this class yet.</Empty>
          ) : (
            <>
              <PriceCharts trades={page.items} />
              <table id="trades-table">
                <thead>
                  <tr>
                    <th>time (UTC)</th>
                    <th>slot</th>
                    <th>side</th>
                    <th className="num">hours</th>
                    <th className="num">price per hour</th>
                    <th className="num">total (fee included)</th>
                    <th>trader</th>
                    <th>transaction</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((t) => (
                    <tr key={`${t.txHash}-${t.slot}`}>
                      <td>{formatUtc(t.timestamp)}</td>
                      <td>{formatSlot(t.slot)}</td>
                      <td>{t.side}</td>
                      <td className="num">{formatInt(t.hours)}</td>
                      <td className="num">{formatUsdc6(t.priceUsdc6)}</td>
                      <td className="num">{formatUsdc6(t.amountUsdc6)}</td>
                      <td title={t.trader}>{shortHex(t.trader)}</td>
                      <td title={t.txHash}>{shortHex(t.txHash)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )
        }
      </Show>
      <h3>Green compute index</h3>
      <p className="note">
        The class index: a time-weighted average of the spot price per hour of the class's index slot.
      </p>
      <Show value={index} what="Class index">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No index value has been published yet.</Empty>
          ) : (
            <IndexChart points={page.items} classId={classId} />
          )
        }
      </Show>
    </section>
  );
}
