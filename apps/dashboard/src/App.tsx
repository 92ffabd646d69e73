import { lazy, Suspense, useEffect, useState } from 'react';
import { getClock } from './api.ts';
import { formatUtc } from './format.ts';
import { useApi } from './ui.tsx';

// Hash routing (#/fleet, #/energy, …): the service only has to serve index.html and its assets, at any path. Each page
// is its own chunk, loaded when it is first opened (and the charts' ECharts when a page first draws one, ui.tsx).
const PAGES = [
  {
    path: 'fleet',
    title: 'Fleet',
    page: lazy(async () => ({ default: (await import('./pages/Fleet.tsx')).FleetPage })),
  },
  {
    path: 'energy',
    title: 'Energy',
    page: lazy(async () => ({ default: (await import('./pages/Energy.tsx')).EnergyPage })),
  },
  {
    path: 'attestation',
    title: 'Attestation',
    page: lazy(async () => ({ default: (await import('./pages/Attestation.tsx')).AttestationPage })),
  },
  {
    path: 'market',
    title: 'Market',
    page: lazy(async () => ({ default: (await import('./pages/Market.tsx')).MarketPage })),
  },
  {
    path: 'jobs',
    title: 'Jobs',
    page: lazy(async () => ({ default: (await import('./pages/Jobs.tsx')).JobsPage })),
  },
  {
    path: 'forecast',
    title: 'Forecast',
    page: lazy(async () => ({ default: (await import('./pages/Forecast.tsx')).ForecastPage })),
  },
  {
    path: 'portfolio',
    title: 'Portfolio',
    page: lazy(async () => ({ default: (await import('./pages/Portfolio.tsx')).PortfolioPage })),
  },
] as const;

function current(): string {
  return location.hash.replace(/^#\/?/, '') || 'fleet';
}

/** The service's time and slot; on the devnet's fast clock, how fast it runs (slots then pass in a minute). */
function ClockBadge() {
  const clock = useApi(getClock, [], 5_000);
  if (clock.state !== 'ok') return null;
  const { nowS, slot, speed } = clock.data;
  return (
    <span className="clock" id="service-clock" title={`slot ${slot} = floor(UTC seconds / 3600)`}>
      {formatUtc(nowS)}, slot {slot}
      {speed > 1 ? ` · devnet clock ${speed}× (an hour every ${3600 / speed} s)` : ''}
    </span>
  );
}

export function App() {
  const [path, setPath] = useState(current);
  useEffect(() => {
    const on = () => setPath(current());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  const entry = PAGES.find((p) => p.path === path);
  const Page = entry?.page;
  useEffect(() => {
    document.title = `${entry?.title ?? 'Not found'} · Greenhour`;
  }, [entry]);
  return (
    <>
      <header>
        <h1>Greenhour</h1>
        <span className="tagline">green compute hours: sites, energy, attestation, market, jobs, forecasts</span>
        <ClockBadge />
        <nav>
          {PAGES.map((p) => (
            <a key={p.path} href={`#/${p.path}`} className={p.path === path ? 'active' : ''} id={`nav-${p.path}`}>
              {p.title}
            </a>
          ))}
        </nav>
      </header>
      <main>
        {Page ? (
          <Suspense fallback={<p className="note">Loading the {entry.title} page…</p>}>
            <Page />
          </Suspense>
        ) : (
          <p>No page “{path}”. Pick one above.</p>
        )}
      </main>
      <footer>
        Every figure is as the service's API returns it (<code>/v1/…</code>); amounts in USD have six decimals (usdc6).
        Times are UTC.
      </footer>
    </>
  );
}
