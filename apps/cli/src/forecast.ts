// `greenhour forecast`: a zone's day-ahead forecasts of price, carbon and PV over a window of the data year against
// seasonal-naive persistence, and with --site one of the project's sites run three ways over the same days (the rule,
// the optimizer on these forecasts, the optimizer with perfect foresight). Offline: the shipped models and data only.
import { UsageError, helpText, parseFlags, type FlagSpecs } from '@greenhour/flags';
import { InputError } from '@greenhour/errors';
import { num, table, toJson } from './format.ts';

type Io = { stdout: (s: string) => void; stderr: (s: string) => void };

export const FORECAST_FLAGS = {
  zone: { kind: 'string', metavar: 'ZONE', required: true, help: 'zone id (DE-LU, IN-WE, JP-TK, SG, US-CAL-CISO)' },
  from: { kind: 'date', required: true, help: 'first day of the window, in the data year 2023 (from 2023-01-08)' },
  days: { kind: 'integer', metavar: 'N', min: 1, max: 14, default: 7, help: 'days in the window' },
  site: {
    kind: 'enum',
    values: ['station', 'pile', 'home'],
    help: "also run the zone's default site of this type: the rule, the optimizer on forecasts and on the actuals",
  },
  hours: { kind: 'boolean', help: 'also print every hour: forecast, persistence and actual of each series' },
  json: { kind: 'boolean', help: 'print one JSON document to stdout' },
  help: { kind: 'boolean', help: 'show this help' },
} as const satisfies FlagSpecs;

export const FORECAST_HELP = helpText(
  'greenhour forecast --zone ZONE --from YYYY-MM-DD [--days N] [--site TYPE] [--hours] [--json]',
  "Day-ahead forecasts (issued 12:00 UTC the day before) of a zone's wholesale price, grid carbon intensity and\n" +
    'reference PV over a window of 2023, their mean absolute error against seasonal-naive persistence, and the\n' +
    'skill score. Days from 2023-10-01 are held out: the models never saw them.',
  FORECAST_FLAGS,
);

const usd = (usdc6: number) => num(usdc6 / 1e6, 2);
const bpsPct = (bps: number) => `${(bps / 100).toFixed(1)}%`;

export async function forecastCommand(argv: readonly string[], io: Io): Promise<number> {
  // before parsing: --help needs none of the required flags
  if (argv.includes('--help')) {
    io.stdout(FORECAST_HELP + '\n');
    return 0;
  }
  const flags = parseFlags(argv, FORECAST_FLAGS);
  const { forecastWindow, compareSite, FORECAST_SERIES } = await import('@greenhour/forecast');
  const fromUtcS = Date.parse(`${flags.from}T00:00:00Z`) / 1000;
  const asUsage = <T>(f: () => Promise<T> | T) =>
    Promise.resolve()
      .then(f)
      .catch((e: unknown) => {
        if (e instanceof InputError && !(e instanceof UsageError)) throw new UsageError(`--${e.field}`, e.reason);
        throw e;
      });
  const window = await asUsage(() => forecastWindow(flags.zone, fromUtcS, flags.days));
  const site =
    flags.site === undefined ? null : await asUsage(() => compareSite(flags.zone, flags.site!, fromUtcS, flags.days));
  if (flags.json) {
    io.stdout(toJson({ forecast: window, ...(site ? { site } : {}) }) + '\n');
    return 0;
  }
  const out = [
    `Day-ahead forecasts for ${window.zone}, ${flags.from} + ${window.days} days (${window.heldOutDays} held out)`,
    '',
    table([
      ['series', 'unit', 'MAE model', 'MAE persistence', 'skill'],
      ...FORECAST_SERIES.map((s) => {
        const sc = window.scores[s];
        return [
          s,
          sc.unit,
          num(sc.maeModel, 1),
          num(sc.maePersistence, 1),
          sc.skill === null ? 'n/a' : sc.skill.toFixed(3),
        ];
      }),
    ]),
  ];
  if (flags.hours) {
    out.push(
      '',
      table([
        ['hour (UTC)', 'price f / p / a', 'carbon f / p / a', 'PV f / p / a'],
        ...window.hours.map((h) => [
          new Date(h.startUtcS * 1000).toISOString().slice(0, 16).replace('T', ' '),
          ...FORECAST_SERIES.map((s) => `${num(h[s].forecast)} / ${num(h[s].persistence)} / ${num(h[s].actual)}`),
        ]),
      ]),
    );
  }
  if (site) {
    out.push(
      '',
      `The ${site.siteType} site of ${site.zone} over the same days (emissions guard on for both optimizer runs):`,
      '',
      table([
        ['run', 'net cost USD', 'in hand USD', 'saving', 'emissions kg', 'cut', 'green', 'GPU-h queued', 'late'],
        ...site.runs.map((r) => [
          r.run === 'rule'
            ? 'rule-based'
            : r.run === 'forecast'
              ? 'optimizer on forecasts'
              : 'optimizer, perfect foresight',
          usd(r.netCostUsdc6),
          usd(r.workInHandUsdc6),
          bpsPct(r.savingBps),
          num(r.emissionsGCo2 / 1000, 1),
          bpsPct(r.emissionsCutBps),
          bpsPct(r.greenShareBps),
          num(r.gpuHoursQueuedAtEnd, 1),
          num(r.gpuHoursLate, 1),
        ]),
      ]),
      '',
      'Saving is on net cost less the work still in hand at the end (queued compute and EV energy owed, at their',
      "revenue less their energy at the window's mean import price); negative net cost: the site earns.",
    );
  }
  io.stdout(out.join('\n') + '\n');
  return 0;
}
