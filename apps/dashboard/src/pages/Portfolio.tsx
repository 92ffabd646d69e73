import { useState } from 'react';
import { getPortfolio, listMarkets, type Market, type Portfolio } from '../api.ts';
import { formatHundredths, formatInt, formatPpm, formatSlot, formatUsdc6 } from '../format.ts';
import { poolPart } from '../pool.ts';
import { Empty, Figure, Show, useApi, type Loaded } from '../ui.tsx';

const REFRESH_MS = 10_000;

/** The devnet's demo trader (anvil's first account, the deployer): shown as an example, never filled in. */
export const DEMO_TRADER = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

export function PortfolioPage() {
  const [input, setInput] = useState('');
  const [address, setAddress] = useState<string | null>(null);
  const valid = /^0x[0-9a-fA-F]{40}$/.test(input.trim());
  const portfolio = useApi(async () => (address === null ? null : getPortfolio(address)), [address], REFRESH_MS);
  // The live markets give each position's pool: its total shares and reserves.
  const markets = useApi(async () => (address === null ? null : (await listMarkets()).items), [address], REFRESH_MS);
  return (
    <section>
      <h2>Portfolio</h2>
      <p className="lede">
        What one account holds: green compute hours per (capacity class, hour slot), liquidity positions in the hour
        market and the fees they collected.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) setAddress(input.trim());
        }}
      >
        <label>
          Address:{' '}
          <input
            id="portfolio-address"
            size={46}
            style={{ fontFamily: 'monospace', minWidth: '30em' }}
            placeholder={`e.g. ${DEMO_TRADER}`}
            value={input}
            onChange={(e) => setInput(e.target.value)}
          />
        </label>{' '}
        <button type="submit" disabled={!valid}>
          Show
        </button>
        {input !== '' && !valid ? (
          <span className="error-inline"> not an address: 0x followed by 40 hex digits</span>
        ) : null}
      </form>
      <p className="note">
        On the devnet, <code>{DEMO_TRADER}</code> is the demo trader (it buys or sells one hour every few seconds) and
        each node's owner provides liquidity (see the owners on the Fleet page).
      </p>
      {address === null ? (
        <Empty>Type an address and press Show to see its portfolio.</Empty>
      ) : (
        <Show value={portfolio} what="Portfolio">
          {(p) =>
            p === null ? null : (
              <>
                <div className="figures">
                  <Figure id="portfolio-address" label="account" value={p.address} />
                  <Figure
                    id="portfolio-fees"
                    label="fees collected, all positions"
                    value={formatUsdc6(p.feesCollectedUsdc6)}
                  />
                </div>
                <h3>Hours held</h3>
                {p.hours.length === 0 ? (
                  <Empty>This address holds no hours.</Empty>
                ) : (
                  <table id="portfolio-hours">
                    <thead>
                      <tr>
                        <th>capacity class</th>
                        <th>slot (UTC start)</th>
                        <th className="num">hours (GPU-hours)</th>
                      </tr>
                    </thead>
                    <tbody>
                      {p.hours.map((h) => (
                        <tr key={h.hourId} data-hour={h.hourId}>
                          <td data-col="classId">{h.classId}</td>
                          <td data-col="slot">{formatSlot(h.slot)}</td>
                          <td className="num" data-col="balance">
                            {formatInt(h.balance)}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
                <h3>Liquidity positions</h3>
                {p.positions.length === 0 ? (
                  <Empty>This address has no liquidity position.</Empty>
                ) : (
                  <Positions positions={p.positions} markets={markets} />
                )}
              </>
            )
          }
        </Show>
      )}
    </section>
  );
}

/** Each position as its part of the slot's pool (`shares` / the market's `totalShares`) and that part of the pool's
 * hours and cash; the raw shares are in each cell's title. A market whose slot has ended is no longer listed. */
function Positions({ positions, markets }: { positions: Portfolio['positions']; markets: Loaded<Market[] | null> }) {
  const byHour = new Map((markets.state === 'ok' ? (markets.data ?? []) : []).map((m) => [m.hourId, m]));
  const missing =
    markets.state === 'ok' ? 'market ended' : markets.state === 'loading' ? 'loading…' : 'markets not available';
  return (
    <>
      <p className="note">
        A position is a part of its slot's pool: its liquidity shares over the pool's total shares. The hours and the
        cash are that part of what the pool holds now (rounded down, as a withdrawal rounds; before the slot only whole
        hours leave, the fraction stays in the pool). Fees collected are paid out already and not in the pool. Hover a
        share to see the raw liquidity shares.
      </p>
      <table id="portfolio-positions">
        <thead>
          <tr>
            <th>position</th>
            <th>capacity class</th>
            <th>slot (UTC start)</th>
            <th className="num">share of the pool</th>
            <th className="num">its hours in the pool (GPU-hours)</th>
            <th className="num">its cash in the pool</th>
            <th className="num">fees collected</th>
          </tr>
        </thead>
        <tbody>
          {positions.map((pos) => {
            const market = byHour.get(pos.hourId);
            const part = market === undefined ? undefined : poolPart(pos.shares, market);
            const raw =
              market === undefined
                ? `${formatInt(pos.shares)} liquidity shares`
                : `${formatInt(pos.shares)} of the pool's ${formatInt(market.totalShares)} liquidity shares`;
            const none = part === null ? 'pool empty' : missing;
            return (
              <tr key={pos.positionId} data-position={pos.positionId}>
                <td>{pos.positionId}</td>
                <td data-col="classId">{pos.classId}</td>
                <td data-col="slot">{formatSlot(pos.slot)}</td>
                <td className="num has-title" data-col="share" data-shares={pos.shares} title={raw}>
                  {part ? formatPpm(part.ppm) : none}
                </td>
                <td
                  className="num"
                  data-col="poolHours"
                  title={market ? `pool: ${formatInt(market.hoursReserve)} hours` : undefined}
                >
                  {part ? formatHundredths(part.hoursHundredths) : '—'}
                </td>
                <td
                  className="num"
                  data-col="poolCash"
                  title={market ? `pool: ${formatUsdc6(market.cashUsdc6)}` : undefined}
                >
                  {part ? formatUsdc6(part.cashUsdc6) : '—'}
                </td>
                <td className="num" data-col="fees">
                  {formatUsdc6(pos.feesCollectedUsdc6)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
