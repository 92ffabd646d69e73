import { useEffect, useState } from 'react';
import { FleetPage } from './pages/Fleet.tsx';
import { EnergyPage } from './pages/Energy.tsx';
import { AttestationPage } from './pages/Attestation.tsx';
import { MarketPage } from './pages/Market.tsx';
import { PortfolioPage } from './pages/Portfolio.tsx';

// Hash routing (#/fleet, #/energy, …): the service only has to serve index.html and its assets, at any path.
const PAGES = [
  { path: 'fleet', title: 'Fleet', page: FleetPage },
  { path: 'energy', title: 'Energy', page: EnergyPage },
  { path: 'attestation', title: 'Attestation', page: AttestationPage },
  { path: 'market', title: 'Market', page: MarketPage },
  { path: 'portfolio', title: 'Portfolio', page: PortfolioPage },
] as const;

function current(): string {
  return location.hash.replace(/^#\/?/, '') || 'fleet';
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
        <span className="tagline">green compute hours: sites, energy, attestation, market</span>
        <nav>
          {PAGES.map((p) => (
            <a key={p.path} href={`#/${p.path}`} className={p.path === path ? 'active' : ''} id={`nav-${p.path}`}>
              {p.title}
            </a>
          ))}
        </nav>
      </header>
      <main>{Page ? <Page /> : <p>No page “{path}”. Pick one above.</p>}</main>
      <footer>
        Every figure is as the service's API returns it (<code>/v1/…</code>); amounts in USD have six decimals (usdc6).
        Times are UTC.
      </footer>
    </>
  );
}
