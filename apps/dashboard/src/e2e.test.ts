// Browser tests of the built dashboard (dist/): Debian's Chromium through playwright-core, against the real system
// (`npm start`'s devnet as a child: anvil, deployment, telemetry services, agents), served by the service
// itself (dist at /, the API under /v1). Every figure a page shows is compared with the API's JSON, fetched
// here and formatted here by the test's own formatters: a page that shows a wrong number fails.
//
// Routes the service does not serve yet (404) must show the "not available" state; the second test serves their
// documented shapes from fixtures (playwright route interception) so those pages are checked too.
// DASHBOARD_SCREENSHOTS=DIR saves a full-page PNG of every page there (dash-<page>.png).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { encodeGeohash } from '@greenhour/fleet/geohash';
const DIST_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOTS = process.env.DASHBOARD_SCREENSHOTS;
const skip = existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`;
if (skip && process.env.GREENHOUR_REQUIRE_SERVERS === '1')
  throw new Error(`${skip}; GREENHOUR_REQUIRE_SERVERS=1 requires the browser tests to run`);
if (skip) console.log(`# SKIP dashboard browser tests: ${skip}`);

// ---- the test's own formatters (independent of src/format.ts on purpose) ----
const usd = (v: string | number) => {
  const b = BigInt(v);
  const a = b < 0n ? -b : b;
  return `${b < 0n ? '-' : ''}${(a / 1_000_000n).toLocaleString('en-US')}.${(a % 1_000_000n).toString().padStart(6, '0')} USD`;
};
const int = (v: number | string) => BigInt(v).toLocaleString('en-US');
const pct = (bps: number) => `${(bps / 100).toFixed(2)} %`;
const utcSlot = (slot: number) => new Date(slot * 3_600_000).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'devnet', 'src', 'main.ts');

function startCoordinator() {
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: {
      ...process.env,
      RPC_URL: '',
      DEPLOYER_PRIVATE_KEY: '',
      SETTLEMENT_TOKEN_ADDRESS: '',
      ANVIL_PORT: '0',
      API_PORT: '0',
      DEPLOYMENTS_DIR: mkdtempSync(join(tmpdir(), 'gh-dash-')),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const waitFor = async (pattern: RegExp, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(output)) {
      if (child.exitCode !== null)
        throw new Error(`coordinator exited ${child.exitCode} before ${pattern}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  return { child, waitFor, output: () => output };
}

/** Retries `check` until it passes or `ms` pass (for figures the pages refresh while the system runs). */
async function eventually(check: () => Promise<void>, ms = 25_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? '').trim();
const items = (body: unknown): any[] => (body as { items: any[] }).items;

async function shot(page: Page, name: string) {
  if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `dash-${name}.png`), fullPage: true });
}

describe('dashboard in a browser', { skip }, () => {
  let coordinator: ReturnType<typeof startCoordinator> | undefined;
  let apiUrl = '';
  let server: { url: string } | undefined;
  let browser: Browser | undefined;
  let cheated = { node: 0, slot: 0 };
  const pageErrors: string[] = [];

  const api = async (path: string) => {
    const res = await fetch(`${apiUrl}${path}`);
    return { status: res.status, body: (await res.json().catch(() => null)) as any };
  };
  const open = async (route: string) => {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (e) => pageErrors.push(`${route}: ${e.stack ?? e.message}`));
    await page.goto(`${server!.url}/#/${route}`);
    return page;
  };

  before(
    async () => {
      assert.ok(existsSync(join(DIST_DIR, 'index.html')), `no ${DIST_DIR}/index.html: run npm run build first`);
      coordinator = startCoordinator();
      await coordinator.waitFor(/ready; Ctrl-C to stop/, 180_000);
      apiUrl = /api\s+(http:\/\/\S+)\/v1 /.exec(coordinator.output())![1]!;
      // An hour attested, the demo's dishonest attester caught by the cheated device, every device's check reported.
      await coordinator.waitFor(/light node: CHALLENGE SUCCEEDED node \d+ hour \d+/, 300_000);
      const m = /light node: CHALLENGE SUCCEEDED node (\d+) hour (\d+)/.exec(coordinator.output())!;
      cheated = { node: Number(m[1]), slot: Number(m[2]) };
      await eventually(async () => {
        const reports = items((await api('/v1/light-nodes')).body);
        assert.ok(reports.every((r) => r.hours.some((h: any) => h.slot === cheated.slot)));
      }, 120_000);
      // The service serves the dashboard itself, at the printed URL.
      server = { url: /dashboard\s+(http:\/\/\S+?)\/?\s/.exec(coordinator.output())![1]! };
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    },
    { timeout: 600_000 },
  );

  after(async () => {
    await browser?.close();
    if (coordinator !== undefined && coordinator.child.exitCode === null) {
      coordinator.child.kill('SIGINT');
      await new Promise((r) => coordinator!.child.once('exit', r));
    }
  });

  it('Fleet: telemetry figures as the API has them; sites, or "not available" while /v1/nodes is not served', async () => {
    const page = await open('fleet');
    await eventually(async () => {
      const stats = (await api('/v1/telemetry/stats')).body;
      assert.equal(await text(page, '[data-figure=stats-devices]'), int(stats.devices));
      assert.equal(await text(page, '[data-figure=stats-accepted]'), int(stats.accepted));
      assert.equal(await text(page, '[data-figure=stats-gaps]'), int(stats.openGaps));
    });
    const nodes = await api('/v1/nodes');
    if (nodes.status === 404) {
      assert.match(await text(page, '.unavailable'), /not available from this service yet.*\/v1\/nodes/s);
    } else {
      assert.equal(nodes.status, 200);
      await page.waitForSelector('#nodes-table');
      for (const n of items(nodes.body)) {
        const row = `#nodes-table tr[data-node="${n.nodeId}"]`;
        assert.equal(await text(page, `${row} [data-col=stake]`), usd(n.stakeUsdc6));
        assert.equal(await text(page, `${row} [data-col=pvW]`), int(n.pvW));
      }
    }
    await shot(page, 'fleet');
    await page.close();
  });

  it('Energy: the flows of a site, or "not available" while /v1/nodes/{id}/energy is not served', async () => {
    const page = await open('energy');
    await page.waitForSelector('#energy-node');
    const nodeId = Number(await page.locator('#energy-node').inputValue());
    const now = Math.floor(Date.now() / 1000);
    const energy = await api(`/v1/nodes/${nodeId}/energy?from=${now - 6 * 3600}&to=${now}`);
    if (energy.status === 404) {
      assert.match(await text(page, '.unavailable'), /not available from this service yet.*\/energy/s);
    } else {
      await page.waitForSelector('#energy-chart');
      await eventually(async () => {
        const to = Math.floor(Date.now() / 1000);
        const last = items((await api(`/v1/nodes/${nodeId}/energy?from=${to - 6 * 3600}&to=${to}`)).body).at(-1);
        assert.equal(await text(page, '#energy-latest [data-col=pvWh]'), int(last.pvWh));
        assert.equal(await text(page, '#energy-latest [data-col=gpuWh]'), int(last.gpuWh));
      });
    }
    await shot(page, 'energy');
    await page.close();
  });

  it('Attestation: committed hours, their records, the light nodes and the challenge, as the API has them', async () => {
    const page = await open('attestation');
    await page.waitForSelector('#hours-table');
    const hours = items((await api('/v1/attestations')).body);
    assert.ok(hours.length > 0);
    for (const h of hours) {
      const row = `#hours-table tr[data-slot="${h.slot}"]`;
      assert.equal(await text(page, `${row} td`), utcSlot(h.slot));
      assert.equal(await text(page, `${row} [data-col=recordCount]`), int(h.recordCount));
      assert.equal(await text(page, `${row} [data-col=status]`), h.status);
    }
    // The newest hour's records (today's route /v1/attestations/{slot}; the new one /records).
    const latest = hours[0].slot;
    const recordsNew = await api(`/v1/attestations/${latest}/records`);
    const records =
      recordsNew.status === 200
        ? items(recordsNew.body).map((r) => r.record ?? r)
        : (await api(`/v1/attestations/${latest}`)).body.records.map((r: any) => r.record);
    await page.waitForSelector('#records-table');
    assert.equal(await page.locator('#records-table tbody tr').count(), records.length);
    for (const r of records) {
      const row = `#records-table tr[data-node="${r.nodeId}"]`;
      for (const col of ['greenWh', 'gridWh', 'gpuWh', 'uptimeS', 'messageCount'])
        assert.equal(await text(page, `${row} [data-col=${col}]`), int(r[col]), `node ${r.nodeId} ${col}`);
      assert.equal(await text(page, `${row} [data-col=greenShare]`), pct(r.greenShareBps));
    }
    await eventually(async () => {
      const reports = items((await api('/v1/light-nodes')).body);
      for (const n of reports) {
        const row = `#lightnodes-table tr[data-node="${n.nodeId}"]`;
        assert.equal(await text(page, `${row} [data-col=stake]`), usd(n.registration.stakeUsdc6));
        for (const col of ['hoursVerified', 'hoursMissing', 'hoursMisreported', 'challengesSucceeded'])
          assert.equal(await text(page, `${row} [data-col=${col}]`), int(n.metrics[col]), `node ${n.nodeId} ${col}`);
        assert.equal(await text(page, `${row} [data-col=rewards]`), usd(n.metrics.rewardsUsdc6));
      }
      const hour = reports.find((r) => r.nodeId === cheated.node).hours.find((h: any) => h.slot === cheated.slot);
      const row = `#checks-table tr[data-node="${cheated.node}"][data-slot="${cheated.slot}"]`;
      assert.equal(await text(page, `${row} [data-col=state]`), 'misreported');
      assert.match(await text(page, `${row} [data-col=challenge]`), new RegExp(`^succeeded: ${hour.challenge.fault}`));
      assert.equal(await text(page, `${row} [data-col=reward]`), usd(hour.challenge.rewardUsdc6));
      assert.equal(await text(page, `${row} [data-col=greenShare]`), pct(hour.expected.greenShareBps));
    });
    await shot(page, 'attestation');
    await page.close();
  });

  it('Market and Portfolio: figures as the API has them, or "not available" while their routes are not served', async () => {
    const market = await open('market');
    const markets = await api('/v1/market/markets');
    if (markets.status === 404) {
      await market.waitForSelector('.unavailable');
      assert.match(await text(market, '.unavailable'), /not available from this service yet.*\/v1\/market\/markets/s);
    } else {
      await market.waitForSelector('#markets-table');
      const classId = Number(await market.locator('#market-class').inputValue());
      await eventually(async () => {
        for (const m of items((await api(`/v1/market/markets`)).body).filter((x) => x.classId === classId))
          assert.equal(
            await text(market, `#markets-table tr[data-slot="${m.slot}"] [data-col=spot]`),
            usd(m.spotUsdc6),
          );
      });
    }
    await shot(market, 'market');
    await market.close();

    const owner = items((await api('/v1/light-nodes')).body)[0].owner as string;
    const page = await open('portfolio');
    await page.fill('#portfolio-address', owner);
    await page.click('button[type=submit]');
    const portfolio = await api(`/v1/portfolio/${owner}`);
    if (portfolio.status === 404) {
      await page.waitForSelector('.unavailable');
      assert.match(await text(page, '.unavailable'), /not available from this service yet.*\/v1\/portfolio/s);
    } else {
      await page.waitForSelector('[data-figure=portfolio-fees]');
      assert.equal(await text(page, '[data-figure=portfolio-fees]'), usd(portfolio.body.feesUsdc6));
    }
    await shot(page, 'portfolio');
    await page.close();
  });

  it('pages whose routes are not served yet render their documented shapes (fixtures)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const slot = Math.floor(now / 3600);
    const nodes = [
      { id: 1, zone: 'SG', lat: 1.32, lon: 103.65, status: 'active', stake: '5000000000' },
      { id: 2, zone: 'DE-LU', lat: 52.4, lon: 13.1, status: 'unbonding', stake: '1234567891' },
      { id: 3, zone: 'US-CAL', lat: 36.74, lon: -119.79, status: 'exited', stake: '50000001' },
    ].map((n) => ({
      nodeId: n.id,
      owner: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
      device: '0x3cfec55b06c284ef70355608b74e7250dfa68230',
      siteType: 'station',
      geohash: encodeGeohash(n.lat, n.lon, 9),
      zone: n.zone,
      pvW: 600_000 + n.id,
      batteryWh: 2_000_000,
      chargerW: 0,
      gpuModel: 'NVIDIA H100 SXM',
      gpuCount: 8,
      classId: 1,
      stakeUsdc6: n.stake,
      status: n.status,
    }));
    const windows = Array.from({ length: 120 }, (_, i) => ({
      windowStart: now - (120 - i) * 60,
      windowEnd: now - (119 - i) * 60,
      pvWh: 1000 + 10 * i,
      batteryInWh: i % 3 === 0 ? 200 : 0,
      batteryOutWh: i % 3 === 1 ? 150 : 0,
      gridImportWh: 30,
      gridExportWh: 5,
      gpuWh: 700,
      evWh: i % 2 === 0 ? 120 : 0,
    }));
    const markets = [1, 2, 3].map((k) => ({
      classId: 1,
      slot: slot + k,
      spotUsdc6: String(8_000_000 + k * 123_457),
      askUsdc6: '8800000',
      hoursReserve: String(16 * k),
      cashReserveUsdc6: String(100_000_000 * k + 1),
      secondsToSlot: (slot + k) * 3600 - now,
    }));
    const trades = markets.flatMap((m, k) =>
      [3, 2, 1].map((h) => ({
        classId: 1,
        slot: m.slot,
        timestamp: m.slot * 3600 - h * 3600 - k * 60,
        side: 'buy',
        trader: '0xa0ee7a142d267c1f36714e4a8f75612f20a79720',
        hours: '2',
        amountUsdc6: String(2 * (8_000_000 + h * 500_000)),
        priceUsdc6: String(8_000_000 + h * 500_000),
        txHash: `0x${String(k * 10 + h).padStart(64, '0')}`,
      })),
    );
    const index = Array.from({ length: 12 }, (_, i) => ({
      classId: 1,
      timestamp: (slot - 12 + i) * 3600,
      windowSeconds: 3600,
      valueUsdc6: String(8_100_000 + i * 10_001),
    }));
    const portfolio = {
      address: nodes[0]!.owner,
      hours: [{ classId: 1, slot: slot + 2, balance: '12' }],
      positions: [
        { positionId: '7', classId: 1, slot: slot + 3, hours: '40', cashUsdc6: '250000000', feesUsdc6: '1234567' },
      ],
      feesUsdc6: '1234567',
    };
    const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (e) => pageErrors.push(`fixtures: ${e.stack ?? e.message}`));
    const fixture = (body: unknown) => ({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
    await page.route(/\/v1\/nodes(\?|$)/, (r) => r.fulfill(fixture({ items: nodes, nextCursor: null })));
    await page.route(/\/v1\/nodes\/\d+\/energy/, (r) => r.fulfill(fixture({ items: windows, nextCursor: null })));
    await page.route(/\/v1\/market\/markets/, (r) => r.fulfill(fixture({ items: markets, nextCursor: null })));
    await page.route(/\/v1\/market\/trades/, (r) => r.fulfill(fixture({ items: trades, nextCursor: null })));
    await page.route(/\/v1\/market\/index/, (r) => r.fulfill(fixture({ items: index, nextCursor: null })));
    await page.route(/\/v1\/portfolio\//, (r) => r.fulfill(fixture(portfolio)));

    await page.goto(`${server!.url}/#/fleet`);
    await page.waitForSelector('#nodes-table');
    for (const n of nodes) {
      const row = `#nodes-table tr[data-node="${n.nodeId}"]`;
      assert.equal(await text(page, `${row} [data-col=stake]`), usd(n.stakeUsdc6));
      assert.equal(await text(page, `${row} [data-col=pvW]`), int(n.pvW));
    }
    assert.match(await text(page, '#nodes-table tr[data-node="2"]'), /in progress/);
    await page.waitForTimeout(800);
    await shot(page, 'fleet-fixture');

    await page.goto(`${server!.url}/#/energy`);
    await page.waitForSelector('#energy-latest');
    assert.equal(await text(page, '#energy-latest [data-col=pvWh]'), int(windows.at(-1)!.pvWh));
    assert.equal(await text(page, '#energy-latest [data-col=gpuWh]'), int(windows.at(-1)!.gpuWh));
    await page.waitForTimeout(800);
    await shot(page, 'energy-fixture');

    await page.goto(`${server!.url}/#/market`);
    await page.waitForSelector('#trades-table');
    for (const m of markets) {
      const row = `#markets-table tr[data-slot="${m.slot}"]`;
      assert.equal(await text(page, `${row} [data-col=spot]`), usd(m.spotUsdc6));
      assert.equal(await text(page, `${row} [data-col=cash]`), usd(m.cashReserveUsdc6));
      assert.equal(await text(page, `${row} [data-col=hours]`), int(m.hoursReserve));
    }
    await page.waitForTimeout(800);
    await shot(page, 'market-fixture');

    await page.goto(`${server!.url}/#/portfolio`);
    await page.fill('#portfolio-address', portfolio.address);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-figure=portfolio-fees]');
    assert.equal(await text(page, '[data-figure=portfolio-fees]'), usd(portfolio.feesUsdc6));
    await shot(page, 'portfolio-fixture');
    await page.close();
    assert.deepEqual(pageErrors, [], 'no page threw');
  });
});
