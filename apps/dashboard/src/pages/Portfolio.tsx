import { useState } from 'react';
import { getPortfolio } from '../api.ts';
import { formatInt, formatSlot, formatUsdc6 } from '../format.ts';
import { Empty, Figure, Show, useApi } from '../ui.tsx';

export function PortfolioPage() {
  const [input, setInput] = useState('');
  const [address, setAddress] = useState<string | null>(null);
  const valid = /^0x[0-9a-fA-F]{40}$/.test(input.trim());
  const portfolio = useApi(async () => (address === null ? null : getPortfolio(address)), [address]);
  return (
    <section>
      <h2>Portfolio</h2>
      <p className="lede">
        What one account holds: green compute hours per (capacity class, hour slot), liquidity positions in the hour
        market and the fees they earned.
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
            placeholder="0x… (an account address, 40 hex digits)"
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
      {address === null ? (
        <Empty>Type an address to see its portfolio.</Empty>
      ) : (
        <Show value={portfolio} what="Portfolio">
          {(p) =>
            p === null ? null : (
              <>
                <div className="figures">
                  <Figure id="portfolio-fees" label="fees earned, all positions" value={formatUsdc6(p.feesUsdc6)} />
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
                        <tr key={`${h.classId}-${h.slot}`}>
                          <td>{h.classId}</td>
                          <td>{formatSlot(h.slot)}</td>
                          <td className="num">{formatInt(h.balance)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
                <h3>Liquidity positions</h3>
                {p.positions.length === 0 ? (
                  <Empty>This address has no liquidity position.</Empty>
                ) : (
                  <table id="portfolio-positions">
                    <thead>
                      <tr>
                        <th>position</th>
                        <th>capacity class</th>
                        <th>slot (UTC start)</th>
                        <th className="num">hours in the position</th>
                        <th className="num">cash in the position</th>
                        <th className="num">fees earned</th>
                      </tr>
                    </thead>
                    <tbody>
                      {p.positions.map((pos) => (
                        <tr key={pos.positionId}>
                          <td>{pos.positionId}</td>
                          <td>{pos.classId}</td>
                          <td>{formatSlot(pos.slot)}</td>
                          <td className="num">{formatInt(pos.hours)}</td>
                          <td className="num">{formatUsdc6(pos.cashUsdc6)}</td>
                          <td className="num">{formatUsdc6(pos.feesUsdc6)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </>
            )
          }
        </Show>
      )}
    </section>
  );
}
