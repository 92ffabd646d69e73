import { useMemo, useState } from 'react';
import { allPages, getIndex, listMarkets, listTrades, type Market, type Trade } from '../api.ts';
import {
  formatBps,
  formatDuration,
  formatInt,
  formatPpm,
  formatSlot,
  formatUsdc6,
  formatUtc,
  shortHex,
  usdc6ToChartNumber,
} from '../format.ts';
import { Chart, Empty, Figure, Show, TIME_LABELS, useApi } from '../ui.tsx';

const REFRESH_MS = 10_000;
/** Trades listed in the table (newest first); the charts use every trade of the class. */
const TRADES_SHOWN = 50;
/** The index's averaging window: one hour. */
const INDEX_WINDOW_S = 3600;
const usd = (v: number) => `${v.toFixed(6)} USD`;
const slotName = (slot: number) => `slot ${formatSlot(slot).slice(5, 16)}`;
const NO_HISTORY = 'no full hour of history yet';

function PriceOverTime({ trades }: { trades: Trade[] }) {
  const option = useMemo(() => {
    const bySlot = new Map<number, Trade[]>();
    for (const t of trades) bySlot.set(t.slot, [...(bySlot.get(t.slot) ?? []), t]);
    return {
      tooltip: { trigger: 'item', valueFormatter: usd },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 80, right: 20, top: 40, bottom: 50 },
      xAxis: {
        type: 'time',
        name: 'trade time (UTC)',
        nameLocation: 'middle',
        nameGap: 30,
        minInterval: 60_000,
        // Five minutes either side of the trades, so that a few trades (or one) are not drawn on a days-wide axis.
        min: (v: { min: number }) => v.min - 300_000,
        max: (v: { max: number }) => v.max + 300_000,
        axisLabel: TIME_LABELS,
      },
      yAxis: { type: 'value', scale: true, name: 'price per hour (USD)', nameLocation: 'middle', nameGap: 60 },
      series: [...bySlot.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([slot, ts]) => ({
          name: slotName(slot),
          type: 'line',
          data: ts.map((t) => [t.timestamp * 1000, usdc6ToChartNumber(t.priceUsdc6PerHour)]),
        })),
    };
  }, [trades]);
  return <Chart option={option} id="price-time-chart" />;
}

function PriceToSlot({ markets }: { markets: Market[] }) {
  const option = useMemo(() => {
    const open = markets.filter((m) => m.priceUsdc6 !== null).sort((a, b) => a.secondsToSlot - b.secondsToSlot);
    return {
      tooltip: {
        trigger: 'item',
        formatter: (p: { data: { m: Market } }) =>
          `${slotName(p.data.m.slot)}<br/>in ${formatDuration(p.data.m.secondsToSlot)}<br/>${formatUsdc6(p.data.m.priceUsdc6!)} per hour`,
      },
      legend: { top: 0 },
      grid: { left: 80, right: 20, top: 40, bottom: 50 },
      xAxis: { type: 'value', name: 'hours until the slot starts', nameLocation: 'middle', nameGap: 30, min: 0 },
      yAxis: { type: 'value', min: 0, name: 'price per hour (USD)', nameLocation: 'middle', nameGap: 60 },
      series: [
        {
          name: 'price now',
          type: 'line',
          symbolSize: 9,
          color: '#2e9e55',
          data: open.map((m) => ({ value: [m.secondsToSlot / 3600, usdc6ToChartNumber(m.priceUsdc6!)], m })),
        },
        {
          name: 'ask',
          type: 'line',
          symbol: 'none',
          color: '#9a9a9a',
          lineStyle: { type: 'dashed' },
          data: open.map((m) => ({ value: [m.secondsToSlot / 3600, usdc6ToChartNumber(m.askUsdc6)], m })),
        },
      ],
    };
  }, [markets]);
  return <Chart option={option} id="price-toslot-chart" />;
}

function Depth({ markets }: { markets: Market[] }) {
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 70, right: 70, top: 40, bottom: 50 },
      xAxis: {
        type: 'category',
        name: 'slot (UTC start)',
        nameLocation: 'middle',
        nameGap: 30,
        data: markets.map((m) => formatSlot(m.slot).slice(5, 16)),
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
          data: markets.map((m) => m.hoursReserve),
        },
        {
          name: 'cash in the market (USD)',
          type: 'bar',
          barMaxWidth: 40,
          yAxisIndex: 1,
          color: '#3a8dde',
          data: markets.map((m) => usdc6ToChartNumber(m.cashUsdc6)),
        },
      ],
    }),
    [markets],
  );
  return <Chart option={option} height={260} id="depth-chart" />;
}

export function MarketPage() {
  const markets = useApi(() => listMarkets(), [], REFRESH_MS);
  const [picked, setPicked] = useState<number | null>(null);
  const classes =
    markets.state === 'ok' ? [...new Set(markets.data.items.map((m) => m.classId))].sort((a, b) => a - b) : [];
  // By default the first class whose markets hold cash, i.e. one that has been traded; else the first class.
  const traded = markets.state === 'ok' ? markets.data.items.find((m) => BigInt(m.cashUsdc6) > 0n)?.classId : undefined;
  const classId = picked ?? traded ?? classes[0] ?? null;
  const trades = useApi(
    async () => (classId === null ? null : allPages((q) => listTrades(classId, undefined, q), 500, 20)),
    [classId],
    REFRESH_MS,
  );
  const index = useApi(() => getIndex(INDEX_WINDOW_S), [], REFRESH_MS);
  return (
    <section>
      <h2>Market</h2>
      <p className="lede">
        Green compute hours of one capacity class and one hour slot are traded against USD in the hour market. A slot's
        price decays toward its floor as the slot approaches; hours cannot be transferred once the slot has started.
        Prices are per GPU-hour, in USD (6 decimals), fee excluded; trade totals include the fee.
      </p>
      <Show value={markets} what="Markets">
        {(page) => {
          const rows = page.items.filter((m) => m.classId === classId).sort((a, b) => a.slot - b.slot);
          return page.items.length === 0 ? (
            <Empty>No market is open yet: markets appear once a slot's hours have been provided to the market.</Empty>
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
              </label>{' '}
              <span className="note">
                {classes.length} classes have live markets; the table, charts and trades below are of the chosen class
                (by default the first one with cash from buyers).
              </span>
              <table id="markets-table">
                <thead>
                  <tr>
                    <th>slot (UTC start)</th>
                    <th>status</th>
                    <th className="num">time to slot</th>
                    <th className="num">price per hour now</th>
                    <th className="num">ask per hour</th>
                    <th className="num">hours for sale</th>
                    <th className="num">cash in the market</th>
                    <th className="num">fee</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((m) => (
                    <tr key={m.slot} data-slot={m.slot}>
                      <td>{formatSlot(m.slot)}</td>
                      <td data-col="status">{m.status}</td>
                      <td className="num" data-col="toSlot">
                        {formatDuration(m.secondsToSlot)}
                      </td>
                      <td className="num" data-col="price">
                        {m.priceUsdc6 === null ? 'not open' : formatUsdc6(m.priceUsdc6)}
                      </td>
                      <td className="num" data-col="ask">
                        {formatUsdc6(m.askUsdc6)}
                      </td>
                      <td className="num" data-col="hours">
                        {formatInt(m.hoursReserve)}
                      </td>
                      <td className="num" data-col="cash">
                        {formatUsdc6(m.cashUsdc6)}
                      </td>
                      <td className="num" data-col="fee">
                        {formatBps(m.feeBps)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <div className="two">
                <div>
                  <h4>Price now against time to the slot</h4>
                  <p className="note">One point per live slot of the class: its price now and its ask (dashed).</p>
                  <PriceToSlot markets={rows} />
                </div>
                <div>
                  <h4>Depth: what each slot's market holds</h4>
                  <p className="note">Hours for sale (left axis) and cash from buyers (right axis).</p>
                  <Depth markets={rows} />
                </div>
              </div>
            </>
          );
        }}
      </Show>
      <h3>Trades</h3>
      <Show value={trades} what="Trades">
        {(list) =>
          list === null ? (
            <Empty>Trades are listed per capacity class, once the markets above are available.</Empty>
          ) : list.length === 0 ? (
            <Empty>No trade in this class yet.</Empty>
          ) : (
            <>
              <h4>Price per hour of each trade, over time</h4>
              <PriceOverTime trades={list} />
              <p className="note">
                <span data-figure="trades-count">{formatInt(list.length)}</span>{' '}
                {list.length === 1 ? 'trade' : 'trades'} in class {classId};{' '}
                {list.length <= TRADES_SHOWN ? 'all listed' : `the newest ${TRADES_SHOWN} listed`}, newest first.
              </p>
              <table id="trades-table">
                <thead>
                  <tr>
                    <th>time (UTC)</th>
                    <th>slot (UTC start)</th>
                    <th>side</th>
                    <th className="num">hours</th>
                    <th className="num">price per hour</th>
                    <th className="num">total (fee included)</th>
                    <th className="num">fee</th>
                    <th>trader</th>
                    <th>transaction</th>
                  </tr>
                </thead>
                <tbody>
                  {list
                    .slice(-TRADES_SHOWN)
                    .reverse()
                    .map((t) => (
                      <tr key={`${t.txHash}-${t.slot}`} data-tx={t.txHash} data-log={t.logIndex}>
                        <td data-col="time">{formatUtc(t.timestamp)}</td>
                        <td data-col="slot">{formatSlot(t.slot)}</td>
                        <td data-col="side">{t.side}</td>
                        <td className="num" data-col="hours">
                          {formatInt(t.hours)}
                        </td>
                        <td className="num" data-col="price">
                          {formatUsdc6(t.priceUsdc6PerHour)}
                        </td>
                        <td className="num" data-col="usdc6">
                          {formatUsdc6(t.usdc6)}
                        </td>
                        <td className="num" data-col="fee">
                          {formatUsdc6(t.feeUsdc6)}
                        </td>
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
        Each class's time-weighted average price over the last hour, as a share of its ask (100 % = traded at the ask),
        and the index over every class (100.00 % = every class at its ask). Read from the chain now.
      </p>
      <Show value={index} what="Green compute index">
        {(ix) => (
          <>
            <div className="figures">
              <Figure
                id="index-bps"
                label={`index, last ${ix.windowS / 3600} h (share of ask)`}
                value={ix.indexBps === null ? NO_HISTORY : formatBps(ix.indexBps)}
              />
              <Figure id="index-at" label="read at (block time)" value={formatUtc(ix.timestamp)} />
            </div>
            {ix.classes.length === 0 ? (
              <Empty>No class is in the index yet.</Empty>
            ) : (
              <table id="index-table">
                <thead>
                  <tr>
                    <th>capacity class</th>
                    <th className="num">average price, last {ix.windowS / 3600} h, as a share of the ask</th>
                  </tr>
                </thead>
                <tbody>
                  {ix.classes.map((c) => (
                    <tr key={c.classId} data-class={c.classId}>
                      <td>class {c.classId}</td>
                      <td className="num" data-col="twap">
                        {c.twapPpm === null ? NO_HISTORY : formatPpm(c.twapPpm)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </Show>
    </section>
  );
}
