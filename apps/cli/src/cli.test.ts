// End-to-end: spawn the real CLI process (no mocks) for each bad-input case and one real run.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSvg } from './svgCheck.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function cli(args: string[], root = ROOT): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res, rej) => {
    const p = spawn(process.execPath, ['--import', 'tsx', join(root, 'apps/cli/src/main.ts'), ...args], { cwd: root });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', rej);
    p.on('close', (code) => res({ code, stdout, stderr }));
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'greenhour-cli-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

function configFile(name: string, body: string): string {
  const f = join(tmp, name);
  writeFileSync(f, body);
  return f;
}

const BAD: { name: string; args: () => string[]; mentions: string[] }[] = [
  {
    name: 'unknown flag',
    args: () => ['invest', '--model', 'home', '--zone', 'SG', '--bogus'],
    mentions: ['--bogus', 'unknown flag'],
  },
  {
    name: 'unknown zone',
    args: () => ['invest', '--model', 'home', '--zone', 'XX'],
    mentions: ['--zone', '"XX"', 'DE-LU'],
  },
  {
    name: 'unknown model',
    args: () => ['site', 'simulate', '--model', 'castle', '--zone', 'SG'],
    mentions: ['--model', 'castle'],
  },
  { name: 'missing zone', args: () => ['invest', '--model', 'home'], mentions: ['--zone', 'required'] },
  {
    name: 'forecasts for the rule controller',
    args: () => [
      'site',
      'simulate',
      '--model',
      'home',
      '--zone',
      'SG',
      '--controller',
      'rule',
      '--plan-on',
      'forecast',
    ],
    mentions: ['--plan-on', 'only the optimizer plans'],
  },
  {
    name: 'unknown planning basis',
    args: () => ['site', 'simulate', '--model', 'home', '--zone', 'SG', '--plan-on', 'tea-leaves'],
    mentions: ['--plan-on', 'tea-leaves'],
  },
  {
    name: 'repeated flag',
    args: () => ['invest', '--model', 'home', '--zone', 'SG', '--zone', 'DE-LU'],
    mentions: ['--zone', 'given more than once'],
  },
  {
    name: 'hexadecimal number',
    args: () => ['invest', '--model', 'home', '--zone', 'SG', '--hours', '0x30'],
    mentions: ['--hours', 'must be an integer'],
  },
  {
    name: 'bad day',
    args: () => ['invest', '--model', 'home', '--zone', 'SG', '--day', '2023-02-30'],
    mentions: ['--day', '2023-02-30'],
  },
  {
    name: 'bad number',
    args: () => ['invest', '--model', 'home', '--zone', 'SG', '--hours', '12x'],
    mentions: ['--hours', 'must be an integer'],
  },
  {
    name: 'number out of range',
    args: () => ['invest', '--model', 'home', '--zone', 'SG', '--variation', '3'],
    mentions: ['--variation', 'between'],
  },
  {
    name: 'missing config file',
    args: () => ['invest', '--model', 'home', '--zone', 'SG', '--config', join(tmp, 'nope.json')],
    mentions: ['--config', 'nope.json', 'ENOENT'],
  },
  {
    name: 'config not JSON',
    args: () => ['invest', '--model', 'home', '--zone', 'SG', '--config', configFile('broken.json', '{"capex": ')],
    mentions: ['--config', 'invalid JSON'],
  },
  {
    name: 'config field of the wrong type',
    args: () => [
      'invest',
      '--model',
      'home',
      '--zone',
      'SG',
      '--config',
      configFile('type.json', '{"capex":{"batteryUsdc6PerKwh":"lots"}}'),
    ],
    mentions: ['capex.batteryUsdc6PerKwh', 'integer amount in usdc6'],
  },
  {
    name: 'config field out of range',
    args: () => [
      'invest',
      '--model',
      'home',
      '--zone',
      'SG',
      '--config',
      configFile('range.json', '{"site":{"gpu":{"demandUtilization":2}}}'),
    ],
    mentions: ['site.gpu.demandUtilization', 'must be in [0, 1]', 'range.json'],
  },
  {
    name: 'config uses the former investment path of a site assumption',
    args: () => [
      'invest',
      '--model',
      'pile',
      '--zone',
      'SG',
      '--config',
      configFile('moved.json', '{"prices":{"evChargeUsdc6PerKwh":500000}}'),
    ],
    mentions: ['prices.evChargeUsdc6PerKwh', 'site.ev.chargePriceUsdPerKwh', 'moved.json'],
  },
  {
    name: 'config site field rejected by the energy validator',
    args: () => [
      'site',
      'simulate',
      '--model',
      'pile',
      '--zone',
      'SG',
      '--config',
      configFile('site.json', '{"site":{"battery":{"minSoc":0.9,"maxSoc":0.5}}}'),
    ],
    mentions: ['site.battery', 'site.json'],
  },
  {
    name: 'day outside the simulated window',
    args: () => [
      'site',
      'simulate',
      '--model',
      'home',
      '--zone',
      'SG',
      '--controller',
      'rule',
      '--hours',
      '24',
      '--day',
      '2023-06-21',
    ],
    mentions: ['--day', '2023-06-21', 'outside the simulated window'],
  },
  {
    name: 'config unknown field',
    args: () => [
      'site',
      'simulate',
      '--model',
      'home',
      '--zone',
      'SG',
      '--config',
      configFile('unknown.json', '{"opex":{"yachtUsdc6":1}}'),
    ],
    mentions: ['opex.yachtUsdc6', 'unknown field'],
  },
  {
    name: 'forecast for an unknown zone',
    args: () => ['forecast', '--zone', 'XX', '--from', '2023-10-02'],
    mentions: ['--zone', 'unknown zone "XX"', 'DE-LU'],
  },
  {
    name: 'forecast before a week of history',
    args: () => ['forecast', '--zone', 'SG', '--from', '2023-01-03'],
    mentions: ['--from', '2023-01-08'],
  },
  {
    name: 'forecast window past the data year',
    args: () => ['forecast', '--zone', 'SG', '--from', '2023-12-28', '--days', '7'],
    mentions: ['--days', 'at most 4 days'],
  },
  {
    name: 'forecast for an unknown site type',
    args: () => ['forecast', '--zone', 'SG', '--from', '2023-10-02', '--site', 'hut'],
    mentions: ['--site', 'hut'],
  },
];

for (const c of BAD) {
  test(`bad input → exit 2 with a one-line error: ${c.name}`, async () => {
    const r = await cli(c.args());
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    for (const m of c.mentions) assert.ok(lines[0]!.includes(m), `"${lines[0]}" should mention ${m}`);
    assert.equal(r.stdout, '');
  });
}

test('--help for each command', async () => {
  for (const args of [['--help'], ['invest', '--help'], ['site', 'simulate', '--help'], ['forecast', '--help']]) {
    const r = await cli(args);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: greenhour/);
  }
  assert.match((await cli(['invest', '--help'])).stdout, /--variation/);
});

test('real run: invest writes five valid SVG charts and JSON with the metrics', async () => {
  const out = join(tmp, 'charts');
  // Four days around the June solstice keep the test quick; annualised by the model.
  const r = await cli([
    'invest',
    '--model',
    'home',
    '--zone',
    'DE-LU',
    '--controller',
    'optimizer',
    '--start-hour',
    '4080',
    '--hours',
    '96',
    '--day',
    '2023-06-21',
    '--json',
    '--out',
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /simulating DE-LU home \(optimizer\): 100%/);
  const doc = JSON.parse(r.stdout) as {
    metrics: { npvUsdc6: string; irr: number | null };
    capex: { totalUsdc6: string };
    charts: string[];
    cashFlows: unknown[];
  };
  assert.match(doc.metrics.npvUsdc6, /^-?\d+$/, 'bigints as strings');
  assert.ok(BigInt(doc.capex.totalUsdc6) > 0n);
  assert.equal(doc.cashFlows.length, 26);
  const names = readdirSync(out).sort();
  assert.deepEqual(names, [
    'DE-LU-home-optimizer-cashflow.svg',
    'DE-LU-home-optimizer-dispatch-2023-06-21.svg',
    'DE-LU-home-optimizer-monthly.svg',
    'DE-LU-home-optimizer-soc-2023-06-21.svg',
    'DE-LU-home-optimizer-tornado.svg',
  ]);
  assert.deepEqual(
    [...doc.charts].sort(),
    names.map((n) => join(out, n)),
  );
  for (const n of names) {
    const svg = readFileSync(join(out, n), 'utf8');
    const tags = checkSvg(svg);
    assert.ok(tags.filter((t) => t === 'rect' || t === 'polyline').length >= 3, `${n} has data marks`);
  }
  const dispatch = readFileSync(join(out, 'DE-LU-home-optimizer-dispatch-2023-06-21.svg'), 'utf8');
  assert.equal((dispatch.match(/<title>/g) ?? []).length >= 24, true, 'an hour of data per bar');
  const tornado = readFileSync(join(out, 'DE-LU-home-optimizer-tornado.svg'), 'utf8');
  assert.match(tornado, /<title>NPV = 0: break-even<\/title>/, 'the tornado marks the zero-NPV line');
  const breakEven = (doc as unknown as { breakEven: { driver: string; scale: number | null }[] }).breakEven;
  assert.deepEqual(
    breakEven.map((b) => b.driver),
    ['computePrice', 'utilisation', 'capex'],
  );
});

test('real run: charts of the two controllers side by side in one folder, none overwritten', async () => {
  const out = join(tmp, 'both-controllers');
  for (const controller of ['rule', 'optimizer']) {
    const r = await cli([
      'site',
      'simulate',
      '--model',
      'pile',
      '--zone',
      'SG',
      '--controller',
      controller,
      '--hours',
      '48',
      '--out',
      out,
    ]);
    assert.equal(r.code, 0, r.stderr);
  }
  assert.deepEqual(
    readdirSync(out)
      .filter((n) => n.endsWith('-monthly.svg'))
      .sort(),
    ['SG-pile-optimizer-monthly.svg', 'SG-pile-rule-monthly.svg'],
  );
});

test('real run: a year west of UTC has twelve local months, each with its local hours', async () => {
  const r = await cli([
    'site',
    'simulate',
    '--model',
    'home',
    '--zone',
    'US-CAL-CISO',
    '--controller',
    'rule',
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as {
    monthly: { months: string[]; importKwh: number[] };
    year: { totals: { gridImportWh: number } };
  };
  assert.deepEqual(
    doc.monthly.months,
    Array.from({ length: 12 }, (_, i) => `2023-${String(i + 1).padStart(2, '0')}`),
  );
  const importKwh = doc.monthly.importKwh.reduce((s, x) => s + x, 0);
  assert.ok(Math.abs(importKwh - doc.year.totals.gridImportWh / 1000) < 1e-6, 'the months add up to the year');
});

test('real run: site simulate plans on day-ahead forecasts with the emissions guard, and says so', async () => {
  const args = [
    'site',
    'simulate',
    '--model',
    'home',
    '--zone',
    'IN-WE',
    '--start-hour',
    String(280 * 24),
    '--hours',
    '168',
  ];
  const r = await cli([...args, '--plan-on', 'forecast']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /controller optimizer on day-ahead forecasts, emissions guard on/);
  const js = await cli([...args, '--plan-on', 'forecast', '--no-emissions-guard', '--json']);
  assert.equal(js.code, 0, js.stderr);
  const year = JSON.parse(js.stdout).year;
  assert.equal(year.plannedOn, 'forecast');
  assert.equal(year.emissionsGuard, false);
});

test('real run: forecast scores the models against persistence and runs a site three ways on the same days', async () => {
  const r = await cli(['forecast', '--zone', 'DE-LU', '--from', '2023-11-06', '--days', '3', '--site', 'home']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Day-ahead forecasts for DE-LU, 2023-11-06 \+ 3 days \(3 held out\)/);
  for (const row of [
    /^price\s+USD\/MWh\s+[\d.]+\s+[\d.]+\s+-?\d\.\d{3}$/m,
    /^carbon\s+gCO2eq\/kWh/m,
    /^pv\s+Wh per kWp/m,
  ])
    assert.match(r.stdout, row);
  for (const run of ['rule-based', 'optimizer on forecasts', 'optimizer, perfect foresight'])
    assert.match(r.stdout, new RegExp(`^${run}\\s+-?[\\d,]+\\.\\d{2}`, 'm'));
  const j = await cli(['forecast', '--zone', 'DE-LU', '--from', '2023-11-06', '--days', '1', '--json']);
  assert.equal(j.code, 0, j.stderr);
  const doc = JSON.parse(j.stdout) as { forecast: { hours: unknown[] }; site?: unknown };
  assert.equal(doc.forecast.hours.length, 24);
  assert.equal(doc.site, undefined);
});

test('real run: text summary is an aligned table with NPV, IRR and payback', async () => {
  const r = await cli(['site', 'simulate', '--model', 'pile', '--zone', 'SG', '--controller', 'rule', '--hours', '48']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /PV available\s+[\d,]+/);
  assert.match(r.stdout, /Grid import\s+[\d,]+/);
  const js = await cli([
    'site',
    'simulate',
    '--model',
    'home',
    '--zone',
    'IN-WE',
    '--controller',
    'rule',
    '--hours',
    '24',
    '--json',
  ]);
  assert.equal(js.code, 0, js.stderr);
  const doc = JSON.parse(js.stdout) as { year: { hours: number; hourly: { gridImportWh: number[] } } };
  assert.equal(doc.year.hours, 24);
  assert.equal(doc.year.hourly.gridImportWh.length, 24);
  const inv = await cli(['invest', '--model', 'station', '--zone', 'JP-TK', '--controller', 'rule', '--hours', '48']);
  assert.equal(inv.code, 0, inv.stderr);
  for (const label of [
    'NPV',
    'IRR',
    'Simple payback',
    'Discounted payback',
    'LCOE',
    'Compute rental',
    'Tornado driver',
    'What would make NPV = 0',
  ])
    assert.ok(inv.stdout.includes(label), label);
  // each driver a site owner can act on, with today's value and the one that breaks even (or why none does)
  assert.match(inv.stdout, /GPU rental price\s+\$\d+\.\d\d\/GPU-h\s+(\$\d+\.\d\d\/GPU-h\s+[+−]\d+%|not reachable)/);
  assert.match(inv.stdout, /GPU utilisation\s+[\d.]+%\s+([\d.]+%\s+[+−]\d+%|not reachable\s+at best NPV .*)/);
  assert.match(inv.stdout, /Capex\s+\$[\d,]+\s+(\$[\d,]+\s+−\d+%|not reachable\s+at best NPV .* at zero capex)/);
});

/**
 * A copy of the three packages next to a copy of data/ that `damage` breaks, with node_modules linking
 * to the copies: energy resolves data/ relative to its own source, so this runs the real CLI and the
 * real energy loader on broken data without touching the repository's data.
 */
function sandbox(name: string, damage: (dataDir: string) => void): string {
  const root = join(tmp, name);
  for (const pkg of ['packages/energy', 'packages/economics', 'apps/cli'])
    cpSync(join(ROOT, pkg), join(root, pkg), { recursive: true, filter: (src) => !src.includes('node_modules') });
  cpSync(join(ROOT, 'data'), join(root, 'data'), { recursive: true });
  mkdirSync(join(root, 'node_modules/@greenhour'), { recursive: true });
  for (const [n, pkg] of [
    ['energy', 'packages/energy'],
    ['economics', 'packages/economics'],
    ['cli', 'apps/cli'],
  ] as const)
    symlinkSync(join(root, pkg), join(root, 'node_modules/@greenhour', n));
  // Packages that read no data are used from the repository itself.
  for (const n of ['flags', 'errors', 'sdk'])
    symlinkSync(join(ROOT, 'packages', n), join(root, 'node_modules/@greenhour', n));
  for (const dep of readdirSync(join(ROOT, 'node_modules'))) {
    if (dep !== '@greenhour' && !dep.startsWith('.'))
      symlinkSync(join(ROOT, 'node_modules', dep), join(root, 'node_modules', dep));
  }
  damage(join(root, 'data'));
  return root;
}

test('corrupt data file → exit 1, error names the file and the line', async () => {
  const root = sandbox('corrupt', (data) => {
    const f = join(data, 'grid/SG/2023/price.csv');
    const lines = readFileSync(f, 'utf8').split('\n');
    lines[99] = lines[99]!.replace(/,[^,]*$/, ',not-a-price');
    writeFileSync(f, lines.join('\n'));
  });
  const r = await cli(['invest', '--model', 'home', '--zone', 'SG', '--controller', 'rule', '--hours', '24'], root);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(
    lines[0]!,
    /^greenhour: data error: .*grid\/SG\/2023\/price\.csv:100: field "Price \(USD\/MWh\)": not a number/,
  );
});

test('missing data file → exit 1, error names the file', async () => {
  const root = sandbox('missing', (data) => unlinkSync(join(data, 'grid/DE-LU/2023/weather.json')));
  const r = await cli(['site', 'simulate', '--model', 'home', '--zone', 'DE-LU', '--hours', '24'], root);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr.trim(), /^greenhour: data error: .*grid\/DE-LU\/2023\/weather\.json: cannot read data file/);
});

/**
 * README "Add a zone", step by step: a data directory with one new zone made of an existing zone's three
 * hourly files (same columns) and a zone.json of its own (another time zone and currency), run through the
 * real CLI with --data-dir for every model.
 */
function newZoneDir(name: string, edit: (zone: Record<string, any>) => void = () => {}): string {
  const dir = join(tmp, name);
  mkdirSync(join(dir, 'grid', 'XX-NEW', '2023'), { recursive: true });
  for (const f of ['carbon_intensity.csv', 'price.csv', 'weather.json'])
    cpSync(join(ROOT, 'data/grid/DE-LU/2023', f), join(dir, 'grid/XX-NEW/2023', f));
  const zone = JSON.parse(readFileSync(join(ROOT, 'data/grid/DE-LU/zone.json'), 'utf8'));
  zone.name = 'A zone never shipped';
  zone.timeZone = 'Europe/London';
  zone.currency = { code: 'GBP', usdPerUnit: 1.24, source: '2023 annual average (Bank of England)' };
  zone.tariffs.home = {
    ...zone.tariffs.home,
    source: 'test: 30 p/kWh, export 15 p/kWh',
    basePerKwh: 0.3,
    exportPerKwh: 0.15,
  };
  zone.evCharging = { usdPerKwh: 0.7, source: 'test' };
  edit(zone);
  writeFileSync(join(dir, 'grid/XX-NEW/zone.json'), JSON.stringify(zone, null, 2));
  return dir;
}

test('add a zone: a new folder in --data-dir runs site simulate and invest for every model', async () => {
  const dir = newZoneDir('new-zone');
  for (const model of ['station', 'pile', 'home']) {
    const sim = await cli([
      'site',
      'simulate',
      '--data-dir',
      dir,
      '--zone',
      'XX-NEW',
      '--model',
      model,
      '--controller',
      'rule',
      '--hours',
      '48',
      '--json',
    ]);
    assert.equal(sim.code, 0, sim.stderr);
    const s = JSON.parse(sim.stdout) as { zone: string; year: { timeZone: string; totals: { pvAvailableWh: number } } };
    assert.equal(s.zone, 'XX-NEW');
    assert.equal(s.year.timeZone, 'Europe/London');
    assert.ok(s.year.totals.pvAvailableWh > 0, `${model} makes PV`);
    // the accounts add up in the new zone too
    const t = s.year.totals as unknown as Record<string, number>;
    assert.equal(t.baseLoadDemandWh, t.baseLoadWh! + t.baseLoadUnservedWh!);
    assert.ok(Math.abs(t.gpuHoursDemanded! - t.gpuHoursServed! - t.gpuHoursUnmet!) < 1e-6);
    assert.ok(Math.abs(t.evDemandWh! - t.evDeliveredWh! - t.evUnmetWh!) <= 48, 'EV energy within 1 Wh per hour');
    const inv = await cli([
      'invest',
      '--data-dir',
      dir,
      '--zone',
      'XX-NEW',
      '--model',
      model,
      '--hours',
      '48',
      '--json',
    ]);
    assert.equal(inv.code, 0, inv.stderr);
    const r = JSON.parse(inv.stdout) as {
      zone: string;
      metrics: { npvUsdc6: string };
      site: { tariff: { baseUsdPerKwh: number } };
    };
    assert.equal(r.zone, 'XX-NEW');
    assert.match(r.metrics.npvUsdc6, /^-?\d+$/);
    if (model === 'home') assert.equal(r.site.tariff.baseUsdPerKwh, 0.3 * 1.24, 'the home tariff in GBP, converted');
    assert.equal((r as unknown as { breakEven: unknown[] }).breakEven.length, 3, 'what would make it pay');
  }
  // the shipped zones are not in that directory
  const other = await cli(['invest', '--data-dir', dir, '--zone', 'DE-LU', '--model', 'home']);
  assert.equal(other.code, 2);
  assert.match(other.stderr, /--zone: unknown zone "DE-LU" \(expected one of XX-NEW in /);
});

test('add a zone: a half-added zone fails naming the missing file or field', async () => {
  const noFile = newZoneDir('half-no-file');
  mkdirSync(join(noFile, 'grid', 'XX-HALF', '2023'), { recursive: true });
  const a = await cli([
    'site',
    'simulate',
    '--data-dir',
    noFile,
    '--zone',
    'XX-HALF',
    '--model',
    'home',
    '--hours',
    '24',
  ]);
  assert.equal(a.code, 1, a.stderr);
  assert.match(a.stderr.trim(), /^greenhour: data error: .*grid\/XX-HALF\/zone\.json: cannot read data file \(ENOENT/);
  const noField = newZoneDir('half-no-field', (z) => delete z.household);
  const b = await cli(['invest', '--data-dir', noField, '--zone', 'XX-NEW', '--model', 'home', '--hours', '24']);
  assert.equal(b.code, 1, b.stderr);
  assert.match(b.stderr.trim(), /^greenhour: data error: .*grid\/XX-NEW\/zone\.json: field "household": missing$/);
  const badValue = newZoneDir('half-bad-value', (z) => (z.tariffs.home.basePerKwh = 'abc'));
  const c = await cli(['invest', '--data-dir', badValue, '--zone', 'XX-NEW', '--model', 'home', '--hours', '24']);
  assert.equal(c.code, 1, c.stderr);
  assert.match(c.stderr, /zone\.json: field "tariffs\.home\.basePerKwh": must be a non-negative number, got "abc"/);
});

test('--data-dir that is missing, not a directory or holds no zone → exit 2 naming the flag', async () => {
  const file = configFile('not-a-dir', '');
  mkdirSync(join(tmp, 'no-zones', 'grid'), { recursive: true });
  for (const [dir, reason] of [
    [join(tmp, 'absent'), 'does not exist'],
    [file, 'not a directory'],
    [join(tmp, 'no-zones'), 'no zone in grid/'],
  ] as const) {
    const r = await cli(['site', 'simulate', '--data-dir', dir, '--zone', 'SG', '--model', 'home']);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(
      r.stderr.trim(),
      `greenhour: --data-dir: ${dir}: ${reason}${reason === 'no zone in grid/' ? ' (expected grid/<ZONE>/zone.json)' : ''}`,
    );
  }
});

const MY_SITE = {
  zone: 'DE-LU',
  type: 'home',
  pv: { kWp: 9.5, mounting: 'roof_mount', tiltDeg: 35 },
  battery: { kWh: 10, kW: 5 },
  gpus: { count: 2 },
  gridLimitKw: 15,
};

test('--site: an operator models their own site with site simulate and invest', async () => {
  const file = configFile('my-site.json', JSON.stringify(MY_SITE));
  const sim = await cli(['site', 'simulate', '--site', file, '--controller', 'rule', '--hours', '48', '--json']);
  assert.equal(sim.code, 0, sim.stderr);
  const s = JSON.parse(sim.stdout) as {
    zone: string;
    model: string;
    site: { pv: { dcCapacityW: number; tiltDeg: number }[]; battery: { capacityWh: number }; gpu: { count: number } };
  };
  assert.equal(s.zone, 'DE-LU');
  assert.equal(s.model, 'home');
  assert.equal(s.site.pv[0]!.dcCapacityW, 9500);
  assert.equal(s.site.pv[0]!.tiltDeg, 35);
  assert.equal(s.site.battery.capacityWh, 10_000);
  assert.equal(s.site.gpu.count, 2);
  const inv = await cli(['invest', '--site', file, '--model', 'home', '--hours', '48']);
  assert.equal(inv.code, 0, inv.stderr);
  assert.match(inv.stdout, /Site: PV 9\.5 kWp, battery 10\.0 kWh \/ 5\.0 kW, 2 GPUs, grid limit 15 kW/);
  assert.match(inv.stdout, /What would make NPV = 0/);
});

test('--site: bad site files → exit 2 naming the file and the field', async () => {
  const cases: [string, unknown, string[]][] = [
    ['typo.json', { ...MY_SITE, batery: {} }, ['field "batery"', 'unknown field']],
    ['kwp.json', { ...MY_SITE, pv: { kWp: -1, mounting: 'roof_mount' } }, ['field "pv.kWp"', 'got -1']],
    ['nozone.json', { ...MY_SITE, zone: 'XX' }, ['field "zone"', 'unknown zone "XX"']],
  ];
  for (const [name, body, mentions] of cases) {
    const file = configFile(name, JSON.stringify(body));
    const r = await cli(['site', 'simulate', '--site', file]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    for (const m of [`--site: ${file}`, ...mentions])
      assert.ok(r.stderr.includes(m), `"${r.stderr}" should mention ${m}`);
  }
  const broken = await cli(['invest', '--site', configFile('broken-site.json', '{"zone": ')]);
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /--site: .*broken-site\.json: invalid JSON/);
  const contra = await cli(['invest', '--site', configFile('c.json', JSON.stringify(MY_SITE)), '--zone', 'SG']);
  assert.equal(contra.code, 2);
  assert.match(contra.stderr, /--zone: SG contradicts the site file .*c\.json \(zone DE-LU\)/);
});
