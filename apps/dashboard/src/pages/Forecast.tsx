import { useMemo, useState } from 'react';
import {
  getForecast,
  getForecastCatalogue,
  getSiteComparison,
  type ForecastCatalogue,
  type ForecastWindow,
  type SiteComparison,
} from '../api.ts';
import { formatBps, formatInt, formatUsdc6, formatUtc } from '../format.ts';
import { Chart, Figure, Show, TIME_LABELS, useApi } from '../ui.tsx';

const DAY_CHOICES = [1, 3, 7, 14] as const;
/** The first full week of the held-out quarter: what the page opens on. */
const DEFAULT_FROM = '2023-10-02';
const SERIES = [
  { key: 'carbon', name: 'Grid carbon intensity', axis: 'gCO2eq/kWh' },
  { key: 'pv', name: 'Reference 1 kWp PV array', axis: 'Wh in the hour' },
  { key: 'price', name: 'Wholesale price', axis: 'USD/MWh' },
] as const;
const RUN_NAMES: Record<SiteComparison['runs'][number]['run'], string> = {
  rule: 'rule-based controller',
  forecast: 'optimizer on the forecasts',
  perfect: 'optimizer, perfect foresight',
};
const RUN_COLOURS: Record<SiteComparison['runs'][number]['run'], string> = {
  rule: '#8c8c8c',
  forecast: '#2f7d32',
  perfect: '#1f5fa8',
};

const skillText = (s: number | null) => (s === null ? 'n/a' : s.toFixed(3));

function SeriesChart({ window, series }: { window: ForecastWindow; series: (typeof SERIES)[number] }) {
  const option = useMemo(() => {
    const at = (k: 'forecast' | 'persistence' | 'actual') =>
      window.hours.map((h) => [h.startUtcS * 1000, Math.round(h[series.key][k] * 10) / 10]);
    return {
      title: { text: series.name, left: 0, textStyle: { fontSize: 14 } },
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v} ${series.axis}` },
      legend: { top: 0, right: 0 },
      grid: { left: 70, right: 20, top: 40, bottom: 40 },
      xAxis: { type: 'time', axisLabel: TIME_LABELS },
      yAxis: { type: 'value', name: series.axis, nameLocation: 'middle', nameGap: 50, scale: series.key !== 'pv' },
      series: [
        {
          name: 'actual',
          type: 'line',
          showSymbol: false,
          data: at('actual'),
          lineStyle: { width: 2.5 },
          color: '#222',
        },
        { name: 'day-ahead forecast', type: 'line', showSymbol: false, data: at('forecast'), color: '#2f7d32' },
        {
          name: 'persistence',
          type: 'line',
          showSymbol: false,
          data: at('persistence'),
          lineStyle: { type: 'dashed' },
          color: '#c77800',
        },
      ],
    };
  }, [window, series]);
  return <Chart option={option} height={240} id={`forecast-${series.key}-chart`} />;
}

function SiteCharts({ site }: { site: SiteComparison }) {
  const option = useMemo(() => {
    const cumulative = (v: readonly number[], scale: number) => {
      let s = 0;
      return v.map((x, i) => [site.hourStartUtcS[i]! * 1000, Math.round(((s += x) / scale) * 100) / 100]);
    };
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: [
        { left: 80, right: 20, top: 40, height: 150 },
        { left: 80, right: 20, top: 240, height: 150 },
      ],
      xAxis: [
        { type: 'time', gridIndex: 0, axisLabel: TIME_LABELS },
        { type: 'time', gridIndex: 1, axisLabel: TIME_LABELS },
      ],
      yAxis: [
        { type: 'value', gridIndex: 0, name: 'grid emissions so far (kg)', nameLocation: 'middle', nameGap: 60 },
        { type: 'value', gridIndex: 1, name: 'energy cost so far (USD)', nameLocation: 'middle', nameGap: 60 },
      ],
      // per run: its emissions on the upper grid, its energy cost on the lower one
      series: site.runs.flatMap((r) =>
        [cumulative(r.hourly.emissionsGCo2, 1000), cumulative(r.hourly.energyCostUsdc6, 1e6)].map((data, grid) => ({
          name: RUN_NAMES[r.run],
          type: 'line',
          showSymbol: false,
          xAxisIndex: grid,
          yAxisIndex: grid,
          color: RUN_COLOURS[r.run],
          data,
        })),
      ),
    };
  }, [site]);
  return <Chart option={option} height={420} id="forecast-site-chart" />;
}

function SiteSection({ site }: { site: SiteComparison }) {
  return (
    <>
      <table id="forecast-site-runs">
        <thead>
          <tr>
            <th>run</th>
            <th className="num">net cost</th>
            <th
              className="num"
              title="queued compute and EV energy owed at the end, at their revenue less their energy"
            >
              work in hand
            </th>
            <th className="num">saving vs rule</th>
            <th className="num">grid emissions</th>
            <th className="num">cut vs rule</th>
            <th className="num">own-PV share</th>
            <th className="num">GPU-h queued at end</th>
            <th className="num">GPU-h late</th>
          </tr>
        </thead>
        <tbody>
          {site.runs.map((r) => (
            <tr key={r.run} data-run={r.run}>
              <td>{RUN_NAMES[r.run]}</td>
              <td className="num">{formatUsdc6(r.netCostUsdc6)}</td>
              <td className="num">{formatUsdc6(r.workInHandUsdc6)}</td>
              <td className="num" data-col="saving">
                {formatBps(r.savingBps)}
              </td>
              <td className="num">{formatInt(Math.round(r.emissionsGCo2 / 1000), 'kg')}</td>
              <td className="num" data-col="cut">
                {formatBps(r.emissionsCutBps)}
              </td>
              <td className="num">{formatBps(r.greenShareBps)}</td>
              <td className="num">{r.gpuHoursQueuedAtEnd.toFixed(1)}</td>
              <td className="num">{r.gpuHoursLate.toFixed(1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="note">
        Net cost is what the controllers minimise (electricity bill, battery wear, carbon price and penalties, less
        compute and charging revenue; negative: the site earns). The saving compares net cost less the work still in
        hand when the window ends, since the optimizer holds compute for sunny hours past the window's end. Both
        optimizer runs carry the emissions guard: never more grid emissions than the rule-based controller.
      </p>
      <SiteCharts site={site} />
    </>
  );
}

function Controls({
  catalogue,
  zone,
  setZone,
  siteType,
  setSiteType,
  from,
  setFrom,
  days,
  setDays,
}: {
  catalogue: ForecastCatalogue;
  zone: string;
  setZone: (z: string) => void;
  siteType: string;
  setSiteType: (s: string) => void;
  from: string;
  setFrom: (d: string) => void;
  days: number;
  setDays: (d: number) => void;
}) {
  return (
    <label>
      Zone:{' '}
      <select id="forecast-zone" value={zone} onChange={(e) => setZone(e.target.value)}>
        {catalogue.zones.map((z) => (
          <option key={z}>{z}</option>
        ))}
      </select>{' '}
      Site:{' '}
      <select id="forecast-site" value={siteType} onChange={(e) => setSiteType(e.target.value)}>
        {catalogue.siteTypes.map((s) => (
          <option key={s}>{s}</option>
        ))}
      </select>{' '}
      From:{' '}
      <input
        id="forecast-from"
        type="date"
        value={from}
        min={catalogue.firstDay}
        max={catalogue.lastDay}
        onChange={(e) => e.target.value !== '' && setFrom(e.target.value)}
      />{' '}
      Days:{' '}
      <select id="forecast-days" value={days} onChange={(e) => setDays(Number(e.target.value))}>
        {DAY_CHOICES.filter((d) => d <= catalogue.maxDays).map((d) => (
          <option key={d} value={d}>
            {d}
          </option>
        ))}
      </select>
    </label>
  );
}

export function ForecastPage() {
  const catalogue = useApi(getForecastCatalogue, []);
  const [zone, setZone] = useState('DE-LU');
  const [siteType, setSiteType] = useState('station');
  const [from, setFrom] = useState(DEFAULT_FROM);
  const [days, setDays] = useState(7);
  const forecast = useApi(() => getForecast(zone, from, days), [zone, from, days]);
  const site = useApi(() => getSiteComparison(zone, siteType, from, days), [zone, siteType, from, days]);
  return (
    <section>
      <h2>Forecasts</h2>
      <p className="note">
        The day-ahead models the scheduler and the site optimizer plan on: each day's wholesale price, grid carbon
        intensity and PV output, forecast at 12:00 UTC the day before from the hours before it, against seasonal-naive
        persistence (the value 24 h before where it is known by then, else a week before) and what happened. They run on
        the data year 2023: days from 2023-10-01 are held out (the models never saw them); earlier days were trained on.
        Skill = 1 − MAE of the model / MAE of persistence; above 0 the model beats persistence.
      </p>
      <Show value={catalogue} what="Forecast zones">
        {(c) => <Controls catalogue={c} {...{ zone, setZone, siteType, setSiteType, from, setFrom, days, setDays }} />}
      </Show>
      <Show value={forecast} what="Forecasts">
        {(w) => (
          <>
            <p className="note" id="forecast-window">
              {w.zone}, {formatUtc(w.fromUtcS)} to {formatUtc(w.fromUtcS + w.days * 86_400)}:{' '}
              <span data-figure="held-out-days">{w.heldOutDays}</span> of {w.days} days held out.
            </p>
            <div className="figures">
              {SERIES.map((s) => (
                <Figure
                  key={s.key}
                  label={`${s.name}: skill`}
                  value={skillText(w.scores[s.key].skill)}
                  id={`skill-${s.key}`}
                  title={`MAE ${w.scores[s.key].maeModel.toFixed(1)} against persistence ${w.scores[s.key].maePersistence.toFixed(1)} ${w.scores[s.key].unit}`}
                />
              ))}
            </div>
            <table id="forecast-scores">
              <thead>
                <tr>
                  <th>series</th>
                  <th>unit</th>
                  <th className="num">MAE model</th>
                  <th className="num">MAE persistence</th>
                  <th className="num">skill</th>
                </tr>
              </thead>
              <tbody>
                {SERIES.map((s) => (
                  <tr key={s.key} data-series={s.key}>
                    <td>{s.name}</td>
                    <td>{w.scores[s.key].unit}</td>
                    <td className="num">{w.scores[s.key].maeModel.toFixed(1)}</td>
                    <td className="num">{w.scores[s.key].maePersistence.toFixed(1)}</td>
                    <td className="num">{skillText(w.scores[s.key].skill)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {SERIES.map((s) => (
              <SeriesChart key={s.key} window={w} series={s} />
            ))}
          </>
        )}
      </Show>
      <h3>A site planned on these forecasts</h3>
      <p className="note">
        The project's default {siteType} site in {zone} over the same days, run three ways from the same start: the
        rule-based controller, the optimizer planning each 48 h window on the forecasts above (and meeting the actual
        hours through its plan follower), and the optimizer with perfect foresight.
      </p>
      <Show value={site} what="Site runs">
        {(s) => <SiteSection site={s} />}
      </Show>
    </section>
  );
}
