// Browser tests of the built dashboard (dist/): Debian's Chromium through playwright-core, against the real system
// (`npm start`'s devnet as a child: anvil, deployment, telemetry services, agents), served by the service
// itself (dist at /, the API under /v1). Every figure a page shows is compared with the API's JSON, fetched
// here and formatted here by the test's own formatters: a page that shows a wrong number fails.
//
// No fixtures and no interception: every page is checked against the running service's own answers.
// DASHBOARD_SCREENSHOTS=DIR saves a full-page PNG of every page there (dash-<page>.png).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_FLEET, ZONE_AREAS } from '@greenhour/fleet';
import { chromium, type Browser, type Page } from 'playwright-core';
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
/** Wh → "12.345 kWh", every decimal kept. */
const kwh = (wh: number) =>
  `${Math.floor(wh / 1000).toLocaleString('en-US')}.${String(wh % 1000).padStart(3, '0')} kWh`;
const pct = (bps: number) => `${(bps / 100).toFixed(2)} %`;
const utc = (s: number) => new Date(s * 1000).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
const utcSlot = (slot: number) => utc(slot * 3600);
/** ppm → percent, four decimals (153456 → "15.3456 %"). */
const ppmPct = (ppm: number) => `${(ppm / 10_000).toFixed(4)} %`;
/** Hundredths → two decimals (533 → "5.33"). */
const hundredths = (h: bigint) => `${(h / 100n).toLocaleString('en-US')}.${(h % 100n).toString().padStart(2, '0')}`;
/** A zero-padded ASCII bytesN as the registry stores it → its text. */
const ascii = (hex: string) => Buffer.from(hex.slice(2), 'hex').toString('latin1').replace(/\0+$/, '');
const duration = (seconds: number) => {
  const s = Math.abs(Math.round(seconds));
  const t = `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  return seconds < 0 ? `started ${t} ago` : t;
};
const STATUS = { active: 'online', exiting: 'in progress (exiting)', exited: 'exited' } as Record<string, string>;
const SITE = ['station', 'charging pile', 'home'];
/** anvil's first account: the devnet's deployer and demo trader. */
const DEMO_TRADER = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

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
      // Real time, so that the figures stand still between a page's refresh and the test's read of the API (the
      // devnet's default accelerated clock is tested by apps/devnet; the header's clock badge is checked here).
      DEVNET_CLOCK_SPEED: '1',
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

  /** Every item of a paged route, following nextCursor (the test's own paging). */
  const all = async (path: string, limit = 100) => {
    const out: any[] = [];
    let cursor: string | null = null;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const res = await api(
        `${path}${sep}limit=${limit}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
      );
      assert.equal(res.status, 200, `${path}: HTTP ${res.status}`);
      out.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor !== null);
    return out;
  };

  it('Fleet: telemetry figures and every registered node as /v1/nodes has them', async () => {
    const page = await open('fleet');
    // The header tells the service's time and slot (here real time: no speed shown).
    await eventually(async () => {
      const clock = (await api('/v1/clock')).body;
      assert.equal(clock.speed, 1);
      assert.match(await text(page, '#service-clock'), new RegExp(`, slot ${clock.slot}$`));
    });
    await eventually(async () => {
      const stats = (await api('/v1/telemetry/stats')).body;
      assert.equal(await text(page, '[data-figure=stats-devices]'), int(stats.devices));
      assert.equal(await text(page, '[data-figure=stats-accepted]'), int(stats.accepted));
      assert.equal(await text(page, '[data-figure=stats-gaps]'), int(stats.openGaps));
    });
    await eventually(async () => {
      const x = (await api('/v1/indexer/status')).body;
      assert.equal(await text(page, '[data-figure=indexer-cursor]'), int(x.cursorBlock));
      assert.equal(
        await text(page, '[data-figure=indexer-head]'),
        x.headBlock === null ? 'not read yet' : int(x.headBlock),
      );
      assert.equal(
        await text(page, '[data-figure=indexer-lag]'),
        x.lagBlocks === null ? 'not known yet' : int(x.lagBlocks),
      );
      assert.equal(await text(page, '[data-figure=indexer-events]'), int(x.eventsIndexed));
      assert.equal(await text(page, '[data-figure=indexer-error]'), x.lastError ?? 'none');
    });
    await page.waitForSelector('#nodes-table');
    await eventually(async () => {
      const nodes = await all('/v1/nodes');
      assert.ok(nodes.length > 0);
      assert.equal(await page.locator('#nodes-table tbody tr').count(), nodes.length);
      for (const n of nodes) {
        const row = `#nodes-table tr[data-node="${n.nodeId}"]`;
        const col = (c: string) => text(page, `${row} [data-col=${c}]`);
        assert.equal(await col('status'), `● ${STATUS[n.status]}`, `node ${n.nodeId} status`);
        assert.equal(await col('siteType'), SITE[n.spec.siteType]);
        assert.equal(await col('geohash'), ascii(n.spec.geohash));
        // The zone found from the registered location is the one the demo fleet put the site in.
        const device = DEMO_FLEET.find((d) => d.geohash === ascii(n.spec.geohash));
        assert.ok(device, `node ${n.nodeId} is a demo device`);
        assert.equal(
          await col('zone'),
          ZONE_AREAS[device.zone as keyof typeof ZONE_AREAS].name,
          `node ${n.nodeId} zone`,
        );
        assert.equal(await col('gpus'), `${int(n.spec.gpuCount)} × ${ascii(n.spec.gpuModel)}`);
        assert.equal(await col('classId'), String(n.classId));
        assert.equal(await col('pvWp'), int(n.spec.pvWp));
        assert.equal(await col('batteryWh'), int(n.spec.batteryWh));
        assert.equal(await col('chargerW'), int(n.spec.chargerW));
        assert.equal(await col('stake'), usd(n.stakeUsdc6));
        assert.equal(await col('slashed'), usd(n.slashedUsdc6));
        assert.equal(await col('registeredAt'), utc(n.registeredAt));
      }
    });
    await page.waitForTimeout(800);
    await shot(page, 'fleet');
    await page.close();
  });

  it('Energy: every window of the range (paged through nextCursor), the latest as the API has it and visible on the chart', async () => {
    const page = await open('energy');
    await page.waitForSelector('#energy-node');
    const nodes = await all('/v1/nodes');
    const nodeId = await page.locator('#energy-node').inputValue();
    assert.equal(nodeId, String(Math.min(...nodes.map((n) => Number(n.nodeId)))), 'the lowest node id first');
    assert.equal(await page.locator('#energy-node option').count(), nodes.length);
    assert.equal(await page.locator('#energy-range').inputValue(), '6');
    await page.waitForSelector('#energy-chart');
    // The range ends at the service's clock, as the page's does.
    const serviceNow = async () => (await api('/v1/clock')).body.nowS as number;
    await eventually(async () => {
      const to = await serviceNow();
      // Pages of 25: the page's own paging has to reach the same count and the same first and last window.
      const windows = await all(`/v1/nodes/${nodeId}/telemetry?from=${to - 6 * 3600}&to=${to}`, 25);
      assert.ok(windows.length > 60, `more windows than one page of the page's requests: ${windows.length}`);
      assert.equal(await text(page, '[data-figure=energy-windows]'), int(windows.length));
      assert.equal(await text(page, '[data-figure=energy-first]'), utc(windows[0].windowStart));
      const last = windows.at(-1);
      for (const k of ['pvWh', 'batteryOutWh', 'gridImportWh', 'gpuWh', 'evWh', 'batteryInWh', 'gridExportWh'])
        assert.equal(await text(page, `#energy-latest [data-col=${k}]`), int(last[k]), k);
      assert.equal(await text(page, '#energy-latest [data-col=batterySocWh]'), kwh(last.batterySocWh), 'SoC');
    });
    // The chart's state of charge line: pointing at the windows at the chart's end, the tooltip names a window's start
    // and shows its signed state of charge, as the API has it for that window. The pointer walks left from the plot's
    // right edge (the chart's right margin, 80 px, energy.ts CHART_RIGHT_PX, in from its border) past any break.
    const capacityWh = nodes.find((n) => n.nodeId === nodeId).spec.batteryWh as number;
    assert.ok(capacityWh > 0, 'the first demo node has a battery');
    const soc = /battery state of charge \(at the window end\) (\S+ kWh)/;
    await eventually(async () => {
      const to = await serviceNow();
      const byStart = new Map(
        (await all(`/v1/nodes/${nodeId}/telemetry?from=${to - 6 * 3600}&to=${to}`)).map((w) => [w.windowStart, w]),
      );
      const box = (await page.locator('#energy-chart').boundingBox())!;
      const tip = page.locator('#energy-chart .energy-tooltip').first();
      await page.mouse.move(box.x + box.width / 2, box.y + 200);
      const seen: string[] = [];
      let checked = 0;
      for (let dx = 1; dx <= 150 && checked < 3; dx += 5) {
        await page.mouse.move(box.x + box.width - 80 - dx, box.y + 200, { steps: 4 });
        await tip.waitFor({ state: 'visible', timeout: 5_000 });
        await page.waitForTimeout(150); // the tooltip's move transition
        const tooltip = (await tip.innerText()).replace(/\s+/g, ' ').trim();
        seen.push(tooltip);
        const at = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})/.exec(tooltip);
        const w = at && byStart.get(Date.parse(`${at[1]}T${at[2]}Z`) / 1000);
        if (!w) continue; // a break in the chart, or a window that has left the range since
        assert.ok(w.batterySocWh <= capacityWh, 'within the registered capacity');
        assert.equal(soc.exec(tooltip)?.[1], kwh(w.batterySocWh), `tooltip: ${tooltip}`);
        checked++;
      }
      assert.ok(checked > 0, `a window's state of charge in the tooltip near the chart's end: ${seen.join(' | ')}`);
    });
    await page.mouse.move(0, 0);
    // The latest window is visible where the chart ends (the time axis ends at it, 80 px from the right): as an area
    // when it closes a long run, as dots when it is alone or in a short run after the backfilled hour, which is how
    // the demo's live windows start. Coloured pixels (not the white, grey and light grey of the background, grid
    // and axis) in a 12 px column there, over the whole plot.
    await eventually(async () => {
      const coloured = await page.evaluate(() => {
        const canvas = document.querySelector<HTMLCanvasElement>('#energy-chart canvas')!;
        const scale = canvas.width / canvas.clientWidth;
        const x = Math.round((canvas.clientWidth - 80 - 6) * scale);
        const { data } = canvas
          .getContext('2d')!
          .getImageData(x, Math.round(60 * scale), Math.round(12 * scale), Math.round((420 - 130) * scale));
        let n = 0;
        for (let i = 0; i < data.length; i += 4)
          if (Math.max(data[i]!, data[i + 1]!, data[i + 2]!) - Math.min(data[i]!, data[i + 1]!, data[i + 2]!) > 60) n++;
        return n;
      });
      assert.ok(coloured >= 20, `the latest window is drawn visibly at the chart's end: ${coloured} coloured pixels`);
    });
    await page.waitForTimeout(800);
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
    // The newest hour's records (/v1/attestations/{slot}).
    const latest = hours[0].slot;
    const hourRecords = (await api(`/v1/attestations/${latest}`)).body.records;
    const records = hourRecords.map((r: any) => ({ ...r.record, greenShareBps: r.greenShareBps }));
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
        assert.equal(await text(page, `${row} [data-col=windowsUnreceipted]`), int(n.metrics.windowsUnreceipted));
      }
      const hour = reports.find((r) => r.nodeId === cheated.node).hours.find((h: any) => h.slot === cheated.slot);
      const row = `#checks-table tr[data-node="${cheated.node}"][data-slot="${cheated.slot}"]`;
      assert.equal(await text(page, `${row} [data-col=state]`), 'misreported');
      assert.match(
        await text(page, `${row} [data-col=challenge]`),
        new RegExp(`^challenge succeeded: ${hour.challenge.fault}`),
      );
      assert.equal(await text(page, `${row} [data-col=reward]`), usd(hour.challenge.rewardUsdc6));
      assert.equal(await text(page, `${row} [data-col=greenShare]`), pct(hour.expected.greenShareBps));
      assert.equal(
        await text(page, `${row} [data-col=receipted]`),
        `${int(hour.receiptedWindows)} of ${int(hour.expected.messageCount)}`,
      );
    });
    await shot(page, 'attestation');
    await page.close();
  });

  it('Market: markets, trades and the index as the API has them', async () => {
    // Trades come every 10 s from the devnet's demo trader: wait for one, and show its class.
    let trade: any;
    await eventually(async () => {
      trade = items((await api('/v1/market/trades?limit=500')).body).at(-1);
      assert.ok(trade !== undefined, 'a trade');
    }, 60_000);
    const classId = trade.classId as number;
    const page = await open('market');
    await page.waitForSelector('#markets-table');
    const classes = [...new Set(items((await api('/v1/market/markets')).body).map((m) => m.classId))];
    assert.equal(await page.locator('#market-class option').count(), classes.length);
    await page.selectOption('#market-class', String(classId));
    await eventually(async () => {
      // Prices are read from the chain at request time and move with every block: a page refreshed before the last
      // block shows the previous price, so the check is tried again up to a minute (six of the page's refreshes).
      const markets = items((await api(`/v1/market/markets?classId=${classId}`)).body);
      assert.ok(markets.length > 0);
      assert.equal(await page.locator('#markets-table tbody tr').count(), markets.length);
      for (const m of markets) {
        const col = (c: string) => text(page, `#markets-table tr[data-slot="${m.slot}"] [data-col=${c}]`);
        assert.equal(await col('status'), m.status);
        assert.equal(await col('toSlot'), duration(m.secondsToSlot));
        assert.equal(await col('price'), m.priceUsdc6 === null ? 'not open' : usd(m.priceUsdc6));
        assert.equal(await col('ask'), usd(m.askUsdc6));
        assert.equal(await col('hours'), int(m.hoursReserve));
        assert.equal(await col('cash'), usd(m.cashUsdc6));
        assert.equal(await col('fee'), pct(m.feeBps));
      }
    }, 60_000);
    await page.waitForSelector('#trades-table');
    await eventually(async () => {
      const trades = await all(`/v1/market/trades?classId=${classId}`, 500);
      assert.equal(await text(page, '[data-figure=trades-count]'), int(trades.length));
      const shown = trades.slice(-50).reverse();
      assert.equal(await page.locator('#trades-table tbody tr').count(), shown.length);
      for (const [i, t] of shown.entries()) {
        const row = `#trades-table tbody tr:nth-child(${i + 1})`;
        assert.equal(await page.locator(row).getAttribute('data-tx'), t.txHash, `row ${i + 1} is trade ${t.txHash}`);
        const col = (c: string) => text(page, `${row} [data-col=${c}]`);
        assert.equal(await col('time'), utc(t.timestamp));
        assert.equal(await col('slot'), utcSlot(t.slot));
        assert.equal(await col('side'), t.side);
        assert.equal(await col('hours'), int(t.hours));
        assert.equal(await col('price'), usd(t.priceUsdc6PerHour));
        assert.equal(await col('usdc6'), usd(t.usdc6));
        assert.equal(await col('fee'), usd(t.feeUsdc6));
      }
    });
    await eventually(async () => {
      const index = (await api('/v1/market/index?windowS=3600')).body;
      const noHistory = 'no full hour of history yet';
      assert.equal(
        await text(page, '[data-figure=index-bps]'),
        index.indexBps === null ? noHistory : pct(index.indexBps),
      );
      assert.equal(await page.locator('#index-table tbody tr').count(), index.classes.length);
      for (const c of index.classes)
        assert.equal(
          await text(page, `#index-table tr[data-class="${c.classId}"] [data-col=twap]`),
          c.twapPpm === null ? noHistory : ppmPct(c.twapPpm),
          `class ${c.classId} twap`,
        );
    });
    await page.waitForTimeout(800);
    await shot(page, 'market');
    await page.close();
  });

  it("Portfolio: the demo trader's hours, a node owner's positions and each one's share of its pool, as the API's numbers give", async () => {
    const page = await open('portfolio');
    assert.equal(await page.locator('#portfolio-address').inputValue(), '', 'not filled in');
    assert.match((await page.locator('#portfolio-address').getAttribute('placeholder')) ?? '', new RegExp(DEMO_TRADER));
    const nodeOwner = (await all('/v1/nodes'))[0].owner as string;
    let shares: number[] = [];
    for (const [name, address] of [
      ['portfolio', DEMO_TRADER],
      ['portfolio-owner', nodeOwner],
    ] as const) {
      await page.fill('#portfolio-address', address);
      await page.click('button[type=submit]');
      await page.waitForSelector(`[data-figure=portfolio-address]:text("${address}")`);
      await eventually(async () => {
        const p = (await api(`/v1/portfolio/${address}`)).body;
        const markets = items((await api('/v1/market/markets')).body);
        shares = [];
        assert.equal(await text(page, '[data-figure=portfolio-fees]'), usd(p.feesCollectedUsdc6));
        assert.equal(await page.locator('#portfolio-hours tbody tr').count(), p.hours.length);
        for (const h of p.hours) {
          const col = (c: string) => text(page, `#portfolio-hours tr[data-hour="${h.hourId}"] [data-col=${c}]`);
          assert.equal(await col('classId'), String(h.classId));
          assert.equal(await col('slot'), utcSlot(h.slot));
          assert.equal(await col('balance'), int(h.balance));
        }
        assert.equal(await page.locator('#portfolio-positions tbody tr').count(), p.positions.length);
        for (const pos of p.positions) {
          const col = (c: string) =>
            text(page, `#portfolio-positions tr[data-position="${pos.positionId}"] [data-col=${c}]`);
          assert.equal(await col('classId'), String(pos.classId));
          assert.equal(await col('slot'), utcSlot(pos.slot));
          // The position's part of its slot's pool, from the two answers: shares / the market's totalShares, and that
          // part of the market's hours and cash, rounded down; the raw shares stay in the cell's title.
          const market = markets.find((m) => m.hourId === pos.hourId);
          const share = `#portfolio-positions tr[data-position="${pos.positionId}"] [data-col=share]`;
          assert.match((await page.locator(share).getAttribute('title')) ?? '', new RegExp(`^${int(pos.shares)} `));
          if (market === undefined || BigInt(market.totalShares) === 0n) {
            assert.equal(await col('share'), market === undefined ? 'market ended' : 'pool empty');
          } else {
            const [mine, total] = [BigInt(pos.shares), BigInt(market.totalShares)];
            assert.equal(await col('share'), ppmPct(Number((mine * 1_000_000n) / total)), `position ${pos.positionId}`);
            assert.equal(await col('poolHours'), hundredths((BigInt(market.hoursReserve) * mine * 100n) / total));
            assert.equal(await col('poolCash'), usd(((BigInt(market.cashUsdc6) * mine) / total).toString()));
            shares.push(Number((mine * 1_000_000n) / total));
          }
          assert.equal(await col('fees'), usd(pos.feesCollectedUsdc6));
        }
      });
      if (address === DEMO_TRADER)
        assert.ok(await page.locator('#portfolio-hours').count(), 'the demo trader holds hours');
      else {
        assert.ok(await page.locator('#portfolio-positions').count(), 'a node owner has liquidity positions');
        assert.ok(shares.length > 0, 'a position in a live market shows its share of the pool');
      }
      await shot(page, name);
    }
    await page.close();
    assert.deepEqual(pageErrors, [], 'no page threw');
  });

  it("Jobs: the demo buyer's jobs with their status, placements and expected carbon account as the API has them", async () => {
    const page = await open('jobs');
    await page.waitForSelector('#jobs-table');
    const placed = (j: any) =>
      j.placements.map((p: any) => `${p.nodeId} @ ${utcSlot(p.slot).slice(11, 16)} × ${p.gpuHours}`);
    const grams = (mg: number) => `${(mg / 1000).toFixed(1)} g`;
    await eventually(async () => {
      const jobs = items((await api('/v1/jobs?limit=100')).body);
      assert.ok(
        jobs.some((j) => j.status === 'assigned' && j.expected !== null),
        'the keeper placed a demo job with its plan',
      );
      assert.equal(await page.locator('#jobs-table tbody tr').count(), jobs.length);
      for (const j of jobs) {
        const col = (c: string) => text(page, `#jobs-table tr[data-job="${j.jobId}"] [data-col=${c}]`);
        assert.ok((await col('status')).startsWith(j.status), `job ${j.jobId} status`);
        assert.equal(await col('gpuHours'), String(j.gpuHours));
        assert.equal(await col('spent'), j.status === 'open' ? '—' : usd(j.spentUsdc6));
        assert.equal(await col('placements'), j.placements.length === 0 ? '—' : placed(j).join(', '));
        assert.equal(await col('expectedGreen'), j.expected === null ? '—' : pct(j.expected.cfeBps));
        assert.equal(await col('expectedSci'), j.expected === null ? '—' : grams(j.expected.sciMgPerGpuHour));
        // The plan's hours are the job's placements, and their energy is the job's expected energy.
        if (j.plan !== null)
          assert.equal(
            j.plan.hours.reduce((s: number, h: any) => s + h.energyWh, 0),
            j.expected.energyWh,
          );
      }
    });
    assert.equal(await page.locator('#jobs-timeline canvas').count(), 1, 'the timeline is drawn');
    assert.equal(await page.locator('#jobs-map canvas').count(), 1, 'the map is drawn');
    const first = items((await api('/v1/jobs?limit=1')).body)[0];
    await page.locator(`#jobs-table tr[data-job="${first.jobId}"]`).click();
    await eventually(async () => {
      const job = (await api(`/v1/jobs/${first.jobId}`)).body;
      assert.equal(await page.locator('#job-events tbody tr').count(), job.timeline.length);
      assert.equal(await text(page, '#job-events tbody tr td:nth-child(2)'), 'JobPosted');
    });
    await shot(page, 'jobs');
    await page.close();
    assert.deepEqual(pageErrors, [], 'no page threw');
  });
  it("Forecast: a zone's skill scores and a site's three runs as the API has them, and a new zone when picked", async () => {
    const page = await open('forecast');
    await page.waitForSelector('#forecast-site-runs');
    const check = async (zone: string) => {
      const w = (await api(`/v1/forecast?zone=${zone}&from=2023-10-02&days=7`)).body;
      const site = (await api(`/v1/forecast/site?zone=${zone}&site=station&from=2023-10-02&days=7`)).body;
      await eventually(async () => {
        assert.ok((await text(page, '#forecast-window')).startsWith(`${zone}, 2023-10-02 00:00 UTC`));
        for (const s of ['carbon', 'pv', 'price'])
          assert.equal(await text(page, `[data-figure="skill-${s}"]`), w.scores[s].skill.toFixed(3), `${zone} ${s}`);
        for (const r of site.runs) {
          const col = (c: string) => text(page, `#forecast-site-runs tr[data-run="${r.run}"] [data-col=${c}]`);
          assert.equal(await col('saving'), pct(r.savingBps), `${zone} ${r.run} saving`);
          assert.equal(await col('cut'), pct(r.emissionsCutBps), `${zone} ${r.run} cut`);
        }
      });
    };
    await check('DE-LU');
    for (const id of ['#forecast-carbon-chart', '#forecast-pv-chart', '#forecast-price-chart', '#forecast-site-chart'])
      assert.equal(await page.locator(`${id} canvas`).count(), 1, `${id} is drawn`);
    await shot(page, 'forecast');
    await page.selectOption('#forecast-zone', 'SG');
    await check('SG');
    await page.close();
    assert.deepEqual(pageErrors, [], 'no page threw');
  });
});
