// The `greenhour` command line: `site simulate` and `invest`. runCli never calls process.exit; it
// returns the exit code (0 ok, 1 runtime/data error, 2 bad input) so it can be tested in-process too.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  DATA_DIR,
  SchemaError,
  checkDataDir,
  listZones,
  loadZone,
  parseSiteFile,
  progressBar,
  simulateYear,
} from '@greenhour/energy';
import type { Controller, SiteConfig, YearResult, ZoneId } from '@greenhour/energy';
import {
  ConfigError,
  MODELS,
  MODEL_NAMES,
  OPEX_LABELS,
  REVENUE_KEYS,
  REVENUE_LABELS,
  buildInvestment,
  formatUsd,
  runInvestment,
  siteSizes,
  toUsd,
  type InvestmentResult,
  type ModelId,
  type OpexId,
} from '@greenhour/economics';
import { UsageError, helpText, parseFlags, requireFlag, type FlagSpecs, type ParsedFlags } from '@greenhour/flags';
import {
  cashFlowChart,
  dayIndices,
  dispatchChart,
  localDates,
  localDatesOf,
  monthlyChart,
  monthlyEnergy,
  socChart,
  tornadoChartFor,
} from './charts.ts';
import { num, pct, table, toJson, years } from './format.ts';
import { TELEMETRY_STATUS_HELP, telemetryStatus } from './telemetry.ts';

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** True when stderr is a terminal (progress redraws one line). */
  stderrIsTty?: boolean;
}

/** @greenhour/energy simulates the 2023 data year (SimulateYearOptions has no year). */
const DATA_YEAR = 2023;

const COMMON: FlagSpecs = {
  zone: {
    kind: 'string',
    metavar: 'ZONE',
    help: `grid zone: a folder grid/ZONE of the data directory (shipped: ${listZones().join(', ')})`,
  },
  site: {
    kind: 'string',
    metavar: 'FILE.json',
    help: 'site description (zone, type, PV, battery, EV chargers, GPUs, grid; docs/SITE_FILE.md); gives --zone and --model',
  },
  'data-dir': {
    kind: 'string',
    metavar: 'DIR',
    help: 'data directory with grid/<ZONE>/zone.json and grid/<ZONE>/2023/* (default: the shipped data/)',
  },
  model: { kind: 'enum', values: MODELS, help: 'site / investment model' },
  controller: { kind: 'enum', values: ['optimizer', 'rule'], default: 'optimizer', help: 'dispatch controller' },
  config: { kind: 'string', metavar: 'FILE.json', help: 'partial override of the model config and its "site" (below)' },
  json: { kind: 'boolean', help: 'print one JSON document to stdout (bigints as strings)' },
  out: { kind: 'string', metavar: 'DIR', help: 'write SVG charts into DIR' },
  day: { kind: 'date', help: 'local day for the dispatch and SoC charts (default <data year>-06-21)' },
  hours: {
    kind: 'integer',
    metavar: 'N',
    min: 24,
    max: 8760,
    help: 'simulate only N hours and annualise (quick runs); default the full year',
  },
  'start-hour': {
    kind: 'integer',
    metavar: 'H',
    min: 0,
    max: 8759,
    help: 'first simulated hour of the year',
  },
  help: { kind: 'boolean', help: 'show this help' },
};

/** Where a config file sets the site operating assumptions (defined once, in energy's defaultSite). */
const CONFIG_HELP = [
  '',
  'Config file: a JSON object with any subset of the investment config (capex, opex, replacement,',
  'escalation, prices, discountRate, ...) and a "site" object with any subset of the site. The GPU',
  'rental price, demand utilisation and EV charging price are site settings, in USD:',
  '  {"site": {"gpu": {"revenueUsdPerGpuHour": 1.8, "demandUtilization": 0.5},',
  '            "ev": {"chargePriceUsdPerKwh": 0.55}}}     (only the pile has EV chargers)',
].join('\n');

const SITE_SIMULATE_FLAGS: FlagSpecs = {
  ...COMMON,
  'plan-on': {
    kind: 'enum',
    values: ['actual', 'forecast'],
    default: 'actual',
    help: 'what the optimizer plans each 48 h window on: the actual 2023 series (perfect foresight) or the day-ahead forecasts of price, carbon, PV and demand (packages/forecast)',
  },
  'no-emissions-guard': {
    kind: 'boolean',
    help: "let the optimizer emit more than the rule-based controller would (by default each plan is capped at the rule's grid emissions)",
  },
};
const INVEST_FLAGS: FlagSpecs = {
  ...COMMON,
  variation: {
    kind: 'number',
    metavar: 'F',
    min: 0.01,
    max: 0.9,
    default: 0.2,
    help: 'tornado: relative change of each driver (0.2 = ±20%)',
  },
};

const SITE_HELP =
  helpText(
    'greenhour site simulate (--zone ZONE --model MODEL | --site FILE.json) [options]',
    'Simulate one year of a site hour by hour (PV, battery, EV, GPU, grid) on real zone data.',
    SITE_SIMULATE_FLAGS,
  ) + `\n${CONFIG_HELP}`;
const INVEST_HELP =
  helpText(
    'greenhour invest (--model MODEL --zone ZONE | --site FILE.json) [options]',
    'Evaluate an investment model on a simulated year: capex, revenue streams, cash flows, NPV, IRR,\n' +
      'payback, LCOE and a tornado sensitivity.\n\nModels:\n' +
      MODELS.map((m) => `  ${m.padEnd(8)} ${MODEL_NAMES[m]}`).join('\n'),
    INVEST_FLAGS,
  ) + `\n${CONFIG_HELP}`;
const MAIN_HELP = [
  'Usage: greenhour <command> [options]',
  '',
  'Commands:',
  '  site simulate   simulate a year of a site (energy flows, costs, charts)',
  '  invest          evaluate an investment model (NPV, IRR, payback, tornado, charts)',
  '  forecast        day-ahead forecasts of a zone against persistence; with --site, a site run on them',
  '  telemetry status  ingest statistics and open gaps of a running service (--api URL)',
  '  node register   register a device on chain with its specs and stake (--key-file)',
  '  node status     a node: owner, device signer, status, stake (--api URL, or --rpc-url URL for the chain)',
  '  market quote    price of N hours of a capacity class and hour slot on chain (--side buy|sell)',
  '  market buy      buy N hours with a price bound (--max-cost-usd or --slippage-bps; --key-file)',
  '  market sell     sell N hours back with a price bound (--min-proceeds-usd or --slippage-bps; --key-file)',
  '  job quote       plan a job on the market now: node-hours, cost, expected emissions and green share',
  '  job submit      post an AI job with its escrowed payment (--key-file)',
  '  job status      a job and its placements on chain (--job ID)',
  '',
  "Run 'greenhour <command> --help' for the options of a command.",
  'Exit codes: 0 ok, 1 runtime or data error or a refused trade, 2 bad input.',
].join('\n');

export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help') {
      io.stdout(MAIN_HELP + '\n');
      return argv.length === 0 ? 2 : 0;
    }
    if (argv[0] === 'site') {
      if (argv[1] === '--help' || argv[1] === undefined) {
        io.stdout(SITE_HELP + '\n');
        return argv[1] === undefined ? 2 : 0;
      }
      if (argv[1] !== 'simulate')
        throw new UsageError('command', `site: unknown subcommand ${JSON.stringify(argv[1])} (expected simulate)`);
      return await siteSimulate(argv.slice(2), io);
    }
    if (argv[0] === 'invest') return await invest(argv.slice(1), io);
    if (argv[0] === 'forecast') return await (await import('./forecast.ts')).forecastCommand(argv.slice(1), io);
    if (argv[0] === 'telemetry') {
      if (argv[1] === '--help' || argv[1] === undefined) {
        io.stdout(TELEMETRY_STATUS_HELP + '\n');
        return argv[1] === undefined ? 2 : 0;
      }
      if (argv[1] !== 'status')
        throw new UsageError('command', `telemetry: unknown subcommand ${JSON.stringify(argv[1])} (expected status)`);
      return await telemetryStatus(argv.slice(2), io);
    }
    // Loaded on use: the chain commands bring viem and the contracts, which site and invest do not need.
    if (argv[0] === 'node') return await (await import('./node.ts')).nodeCommand(argv.slice(1), io);
    if (argv[0] === 'market') return await (await import('./market.ts')).marketCommand(argv.slice(1), io);
    if (argv[0] === 'job') return await (await import('./job.ts')).jobCommand(argv.slice(1), io);
    throw new UsageError(
      'command',
      `unknown command ${JSON.stringify(argv[0])} (expected site simulate, invest, forecast, telemetry status, node register, ` +
        'node status, market quote, market buy, market sell, job quote, job submit or job status; see --help)',
    );
  } catch (e) {
    return reportError(e, io);
  }
}

function reportError(e: unknown, io: Io): number {
  if (e instanceof UsageError) {
    io.stderr(`greenhour: ${e.message}\n`);
    return 2;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  if (err.name === 'DataError') {
    io.stderr(`greenhour: data error: ${err.message}\n`);
    return 1;
  }
  io.stderr(`greenhour: error: ${err.message}\n`);
  return 1;
}

interface Common {
  zone: ZoneId;
  /** Absolute data directory (the shipped data/ unless --data-dir). */
  dataDir: string;
  /** The site of --site FILE (else the model's default site). */
  site?: SiteConfig;
  model: ModelId;
  controller: Controller;
  overrides: unknown;
  configPath?: string;
  json: boolean;
  out?: string;
  day?: string;
  hours?: number;
  startHour?: number;
}

function common(flags: ParsedFlags): Common {
  let dataDir = DATA_DIR;
  if (typeof flags['data-dir'] === 'string') {
    try {
      dataDir = checkDataDir(flags['data-dir']);
    } catch (e) {
      throw new UsageError('--data-dir', `${(e as Error).message}`);
    }
  }
  let fromFile: ReturnType<typeof parseSiteFile> | undefined;
  if (typeof flags.site === 'string') {
    const file = flags.site;
    const json = readJson('--site', file);
    try {
      fromFile = parseSiteFile(json, dataDir);
    } catch (e) {
      if (e instanceof SchemaError) throw new UsageError('--site', `${file}: field "${e.path}": ${e.reason}`);
      if (e instanceof Error && e.name === 'DataError') throw e; // the zone's data is broken, not the site file
      // a rule of the energy validator not checked field by field: name the built site's field
      throw new UsageError('--site', `${file}: the site it describes: ${(e as Error).message}`);
    }
    for (const [flag, value] of [
      ['zone', fromFile.zone],
      ['model', fromFile.type],
    ] as const) {
      if (flags[flag] === undefined) flags[flag] = value;
      else if (flags[flag] !== value)
        throw new UsageError(
          `--${flag}`,
          `${String(flags[flag])} contradicts the site file ${file} (${flag === 'zone' ? 'zone' : 'type'} ${value}); give one of them`,
        );
    }
  }
  requireFlag(flags, 'zone');
  requireFlag(flags, 'model');
  const zones = listZones(dataDir);
  if (!zones.includes(flags.zone as string)) {
    const where = dataDir === DATA_DIR ? '' : ` in ${join(dataDir, 'grid')}`;
    throw new UsageError(
      '--zone',
      `unknown zone ${JSON.stringify(flags.zone)} (expected one of ${zones.join(', ')}${where})`,
    );
  }
  const c: Common = {
    zone: flags.zone as ZoneId,
    dataDir,
    ...(fromFile ? { site: fromFile.site } : {}),
    model: flags.model as ModelId,
    controller: flags.controller as Controller,
    overrides: undefined,
    json: flags.json === true,
  };
  if (typeof flags.out === 'string') c.out = resolve(flags.out);
  if (typeof flags.day === 'string') c.day = flags.day;
  if (typeof flags.hours === 'number') c.hours = flags.hours;
  if (typeof flags['start-hour'] === 'number') c.startHour = flags['start-hour'];
  if ((c.startHour ?? 0) + (c.hours ?? 8760 - (c.startHour ?? 0)) > 8760)
    throw new UsageError(
      '--hours',
      `start hour ${c.startHour} + ${c.hours} hours runs past the end of the year (8760)`,
    );
  if (c.day !== undefined) {
    // Check --day against the window before the (slow) simulation; re-checked on the result.
    const start = Date.UTC(DATA_YEAR, 0, 1) / 1000 + (c.startHour ?? 0) * 3600;
    const n = c.hours ?? 8760 - (c.startHour ?? 0);
    const { date } = localDatesOf(
      loadZone(c.zone, c.dataDir).timeZone,
      Array.from({ length: n }, (_, i) => start + i * 3600),
    );
    if (!date.includes(c.day))
      throw new UsageError(
        '--day',
        `${c.day} is outside the simulated window (${date[0]} .. ${date[date.length - 1]})`,
      );
  }
  if (typeof flags.config === 'string') {
    c.configPath = flags.config;
    c.overrides = readJson('--config', flags.config);
  }
  return c;
}

/** Read and parse a JSON file named by a flag; errors name the flag, the file and the reason. */
function readJson(flag: string, file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(
      flag,
      `${file}: cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(flag, `${file}: invalid JSON (${(e as Error).message})`);
  }
}

/** Build config + site, turning ConfigError into a usage error that names the file and the field. */
function build(c: Common): { site: SiteConfig } {
  try {
    return buildInvestment(c.model, c.zone, c.overrides, { dataDir: c.dataDir, ...(c.site ? { site: c.site } : {}) });
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError('--config', `${c.configPath}: ${e.message}`);
    throw e;
  }
}

function progress(io: Io, label: string): (f: number) => void {
  return progressBar(label, { write: io.stderr, isTTY: io.stderrIsTty === true });
}

function simOptions(c: Common) {
  return {
    ...(c.hours !== undefined ? { hours: c.hours } : {}),
    ...(c.startHour !== undefined ? { startHour: c.startHour } : {}),
  };
}

/** Resolve the chart day: the flag, else June 21 of the data year, else the first simulated local day. */
function chartDay(year: YearResult, requested: string | undefined): { day: string; idx: number[] } {
  if (requested !== undefined) {
    const idx = dayIndices(year, requested);
    if (idx.length === 0) {
      const { date } = localDates(year);
      throw new UsageError(
        '--day',
        `${requested} is outside the simulated window (${date[0]} .. ${date[date.length - 1]})`,
      );
    }
    return { day: requested, idx };
  }
  const midsummer = `${year.year}-06-21`;
  const idx = dayIndices(year, midsummer);
  if (idx.length > 0) return { day: midsummer, idx };
  const { date } = localDates(year);
  const first = date.find((d, i) => date.indexOf(d) === i && date.lastIndexOf(d) - i >= 23) ?? date[0]!;
  return { day: first, idx: dayIndices(year, first) };
}

function writeCharts(dir: string, prefix: string, charts: Record<string, string>): string[] {
  mkdirSync(dir, { recursive: true });
  return Object.entries(charts).map(([name, svg]) => {
    const file = join(dir, `${prefix}-${name}.svg`);
    writeFileSync(file, svg + '\n');
    return file;
  });
}

function energyCharts(year: YearResult, site: SiteConfig, day: string, idx: number[]): Record<string, string> {
  const charts: Record<string, string> = {
    [`dispatch-${day}`]: dispatchChart(year, idx, day),
    monthly: monthlyChart(year),
  };
  if (site.battery) charts[`soc-${day}`] = socChart(year, idx, day, site.battery.capacityWh);
  return charts;
}

// --------------------------------------------------------------------------------- site simulate

async function siteSimulate(argv: readonly string[], io: Io): Promise<number> {
  const flags = parseFlags(argv, SITE_SIMULATE_FLAGS);
  if (flags.help) {
    io.stdout(SITE_HELP + '\n');
    return 0;
  }
  const c = common(flags);
  const onForecasts = flags['plan-on'] === 'forecast';
  if (c.controller === 'rule' && (onForecasts || flags['no-emissions-guard'] === true))
    throw new UsageError(
      onForecasts ? '--plan-on' : '--no-emissions-guard',
      'only the optimizer plans; the rule controller reacts hour by hour',
    );
  const { site } = build(c);
  const year = await simulateYear({
    zone: c.zone,
    dataDir: c.dataDir,
    site,
    controller: c.controller,
    onProgress: progress(io, `simulating ${c.zone} ${c.model} (${c.controller}${onForecasts ? ' on forecasts' : ''})`),
    ...simOptions(c),
    // loaded only when asked for: the forecast models are not needed by any other command
    ...(onForecasts ? { forecaster: (await import('@greenhour/forecast')).dayAheadSiteForecaster() } : {}),
    emissionsGuard: flags['no-emissions-guard'] !== true,
  });
  const { day, idx } = chartDay(year, c.day);
  const files = c.out
    ? writeCharts(c.out, `${c.zone}-${c.model}-${c.controller}`, energyCharts(year, site, day, idx))
    : [];
  if (c.json) {
    io.stdout(toJson({ zone: c.zone, model: c.model, site, monthly: monthlyEnergy(year), year, charts: files }) + '\n');
    return 0;
  }
  io.stdout(siteSummary(year, site) + '\n');
  printFiles(io, files);
  return 0;
}

function siteLine(site: SiteConfig): string {
  const s = siteSizes(site);
  const parts = [`PV ${num(s.pvKwp, 1)} kWp`];
  if (s.batteryKwh > 0) parts.push(`battery ${num(s.batteryKwh, 1)} kWh / ${num(s.batteryKw, 1)} kW`);
  if (s.gpuCount > 0) parts.push(`${s.gpuCount} GPU${s.gpuCount > 1 ? 's' : ''}`);
  if (s.evChargers > 0)
    parts.push(`${s.evChargers} × ${num(s.evChargerKw)} kW EV charger${s.evChargers > 1 ? 's' : ''}`);
  parts.push(`grid limit ${num(s.gridLimitKw)} kW`);
  return parts.join(', ');
}

function siteSummary(year: YearResult, site: SiteConfig): string {
  const t = year.totals;
  const k = (wh: number) => num(wh / 1000);
  const u = (x: number) => formatUsd(BigInt(Math.round(x)));
  const energy: string[][] = [
    ['Energy', 'kWh'],
    ['PV available', k(t.pvAvailableWh)],
    ['PV curtailed', k(t.pvCurtailedWh)],
    ['PV self-consumed', k(t.pvSelfConsumedWh)],
    ['Base load demanded', k(t.baseLoadDemandWh)],
    ['Base load served', k(t.baseLoadWh)],
    ['Base load unserved', k(t.baseLoadUnservedWh)],
    ['GPU (incl. idle, PUE)', k(t.gpuWh)],
    ['EV demanded', k(t.evDemandWh)],
    ['EV delivered', k(t.evDeliveredWh)],
    ['EV unmet', k(t.evUnmetWh)],
    ['  of which owed at the end', k(t.evOwedAtEndWh)],
    ['Battery charge', k(t.batteryChargeWh)],
    ['Battery discharge', k(t.batteryDischargeWh)],
    ['Grid import', k(t.gridImportWh)],
    ['Grid export', k(t.gridExportWh)],
  ];
  const other: string[][] = [
    ['Operation', 'value'],
    ['Green share of consumption', pct(t.greenShare)],
    ['GPU-hours demanded', num(t.gpuHoursDemanded, 1)],
    ['GPU-hours served', num(t.gpuHoursServed, 1)],
    ['GPU-hours unmet', num(t.gpuHoursUnmet, 1)],
    ['  of which queued at the end', num(t.gpuHoursQueuedAtEnd, 1)],
    ['EV sessions', num(t.evSessions)],
    ['Grid emissions, tCO2', num(t.emissionsGCo2 / 1e6, 2)],
    ['Avoided emissions, tCO2', num(t.avoidedGCo2 / 1e6, 2)],
  ];
  const money: string[][] = [
    ['Money (simulated window)', 'USD'],
    ['Import cost', u(t.importCostUsdc6)],
    ['Demand charge', u(t.demandChargeUsdc6)],
    ['Fixed charge', u(t.fixedChargeUsdc6)],
    ['Export revenue', u(t.exportRevenueUsdc6)],
    ['Electricity bill', u(t.electricityBillUsdc6)],
    ['Compute revenue', u(t.computeRevenueUsdc6)],
    ['EV revenue', u(t.evRevenueUsdc6)],
    ['Battery wear cost', u(t.degradationCostUsdc6)],
    ['Carbon cost', u(t.carbonCostUsdc6)],
    ['Unmet-demand penalties', u(t.penaltyUsdc6)],
    ['Net cost (negative = earns)', u(t.netCostUsdc6)],
  ];
  return [
    `Site simulation: ${MODEL_NAMES[year.siteType]}`,
    `Zone ${year.zone}, data year ${year.year}, ${year.hours} h, controller ${year.controller}${year.controller === 'optimizer' ? ` on ${year.plannedOn === 'forecast' ? 'day-ahead forecasts' : 'actual series (perfect foresight)'}, emissions guard ${year.emissionsGuard ? 'on' : 'off'}` : ''} (planning ${num(year.planTimeMs / 1000, 1)} s)`,
    `Site: ${siteLine(site)}`,
    '',
    table(energy),
    '',
    table(other),
    '',
    table(money),
  ].join('\n');
}

function printFiles(io: Io, files: readonly string[]): void {
  if (files.length === 0) return;
  io.stdout('\nCharts written:\n' + files.map((f) => `  ${f}\n`).join(''));
}

// ----------------------------------------------------------------------------------------- invest

async function invest(argv: readonly string[], io: Io): Promise<number> {
  const flags = parseFlags(argv, INVEST_FLAGS);
  if (flags.help) {
    io.stdout(INVEST_HELP + '\n');
    return 0;
  }
  const c = common(flags);
  build(c); // validate the config file before the (slow) simulation
  const { result, year, site } = await runInvestment({
    model: c.model,
    zone: c.zone,
    dataDir: c.dataDir,
    ...(c.site ? { site: c.site } : {}),
    controller: c.controller,
    overrides: c.overrides,
    onProgress: progress(io, `simulating ${c.zone} ${c.model} (${c.controller})`),
    tornadoVariation: flags.variation as number,
    ...simOptions(c),
  });
  const { day, idx } = chartDay(year, c.day);
  const files = c.out
    ? writeCharts(c.out, `${c.zone}-${c.model}-${c.controller}`, {
        ...energyCharts(year, site, day, idx),
        cashflow: cashFlowChart(result),
        tornado: tornadoChartFor(result),
      })
    : [];
  if (c.json) {
    io.stdout(toJson({ ...result, site, simulation: { ...year, hourly: undefined }, charts: files }) + '\n');
    return 0;
  }
  io.stdout(investSummary(result, site) + '\n');
  printFiles(io, files);
  return 0;
}

const perKwh = (x: bigint | null) => (x === null ? 'n/a' : `$${toUsd(x).toFixed(4)}/kWh`);

function investSummary(r: InvestmentResult, site: SiteConfig): string {
  const m = r.metrics;
  const y1 = r.year1;
  const cf1 = r.cashFlows[1];
  const u = (x: bigint) => formatUsd(x);
  const capex = [
    ['Capex line', 'qty', 'unit', 'unit cost', 'total'],
    ...r.capex.lines.map((l) => [
      l.label,
      l.unit === 'of hardware' ? pct(l.quantity, 0) : num(l.quantity, l.quantity % 1 === 0 ? 0 : 1),
      l.unit,
      u(l.unitCostUsdc6),
      u(l.totalUsdc6),
    ]),
    ['Total', '', '', '', u(r.capex.totalUsdc6)],
  ];
  const streams = [
    ['Revenue stream', 'year 1', 'lifetime'],
    ...REVENUE_KEYS.map((k) => [REVENUE_LABELS[k], u(cf1?.revenue[k] ?? 0n), u(r.lifetimeRevenue[k])]),
    ['Total', u(cf1?.revenueUsdc6 ?? 0n), u(r.lifetimeRevenueUsdc6)],
  ];
  const opexIds = Object.keys(OPEX_LABELS) as OpexId[];
  const opex = [
    ['Operating cost', 'year 1', 'lifetime'],
    ...opexIds
      .filter((id) => r.cashFlows.some((c) => c.opex[id] !== 0n))
      .map((id) => [OPEX_LABELS[id], u(cf1?.opex[id] ?? 0n), u(r.cashFlows.reduce((s, c) => s + c.opex[id], 0n))]),
    ['Total', u(cf1?.opexUsdc6 ?? 0n), u(r.cashFlows.reduce((s, c) => s + c.opexUsdc6, 0n))],
  ];
  const metrics = [
    ['Result', 'value'],
    ['NPV', `${u(m.npvUsdc6)} at ${pct(r.config.discountRate)}`],
    ['IRR', m.irr === null ? (m.irrNote ?? 'none') : pct(m.irr, 2) + (m.irrNote ? ` (${m.irrNote})` : '')],
    ['Simple payback', years(m.paybackYears)],
    ['Discounted payback', years(m.discountedPaybackYears)],
    ['LCOE (PV + battery)', perKwh(m.lcoeUsdc6PerKwh)],
    ['LCOE (PV only)', perKwh(m.lcoePvOnlyUsdc6PerKwh)],
    ['Lifetime', `${r.config.lifetimeYears} years`],
    ['PV delivered, year 1', `${num(y1.pvDeliveredKwh)} kWh`],
    ['Green share of consumption', pct(y1.greenShare)],
    ['Avoided CO2, year 1', `${num(y1.avoidedTco2, 2)} t`],
  ];
  const flows = [
    ['Year', 'revenue', 'opex', 'capex', 'net', 'cumulative', 'discounted'],
    ...r.cashFlows.map((c) => [
      String(c.year),
      u(c.revenueUsdc6),
      u(c.opexUsdc6),
      u(c.capexUsdc6),
      u(c.netUsdc6),
      u(c.cumulativeUsdc6),
      u(c.discountedUsdc6),
    ]),
  ];
  const breakEven = [
    ['What would make NPV = 0 (the others as they are)', 'today', 'break-even', 'change'],
    ...r.breakEven.map((b) => {
      const show = (v: number) =>
        b.unit === 'USD/GPU-h'
          ? `$${v.toFixed(2)}/GPU-h`
          : b.unit === 'USD'
            ? u(BigInt(Math.round(v * 1e6)))
            : pct(v, 1);
      if (b.value === null || b.scale === null) {
        // the best the possible range offers, and where
        const [atLow, atHigh] = b.npvAtRangeUsdc6;
        const high = atHigh >= atLow;
        const ends: Record<typeof b.driver, [string, string]> = {
          computePrice: ['at a zero price', `at ${b.range[1]}× the price`],
          utilisation: ['with no GPU use', 'at full use'],
          capex: ['at zero capex', `at ${b.range[1]}× capex`],
        };
        return [
          b.label,
          show(b.baseValue),
          'not reachable',
          `at best NPV ${u(high ? atHigh : atLow)} ${ends[b.driver][high ? 1 : 0]}`,
        ];
      }
      return [b.label, show(b.baseValue), show(b.value), `${b.scale >= 1 ? '+' : '−'}${pct(Math.abs(b.scale - 1), 0)}`];
    }),
  ];
  const tor = [
    ['Tornado driver', `NPV at −${pct(r.tornado.variation, 0)}`, `NPV at +${pct(r.tornado.variation, 0)}`, 'swing'],
    ...r.tornado.bars.map((b) => [b.label, u(b.lowNpvUsdc6), u(b.highNpvUsdc6), u(b.swingUsdc6)]),
  ];
  const note =
    y1.simulatedHours < 8760
      ? `\nNote: ${y1.simulatedHours} simulated hours annualised ×${y1.annualisation.toFixed(3)}; use the full year for decisions.`
      : '';
  return [
    `Investment: ${r.name}`,
    `Zone ${r.zone}, data year ${r.dataYear}, controller ${r.controller}, GPU ${r.config.gpuModel}`,
    `Site: ${siteLine(site)}${note}`,
    '',
    table(metrics),
    '',
    table(breakEven),
    '',
    table(capex, ['left', 'right', 'left', 'right', 'right']),
    '',
    table(streams),
    '',
    table(opex),
    '',
    table(flows),
    '',
    table(tor),
  ].join('\n');
}
