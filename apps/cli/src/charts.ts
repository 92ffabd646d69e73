// Charts for a simulated year and an investment result, as SVG text (see svg.ts).

import type { YearResult } from '@greenhour/energy';
import type { InvestmentResult } from '@greenhour/economics';
import { toUsd } from '@greenhour/economics';
import { barLineChart, groupedBarChart, lineChart, stackedBarChart, tornadoChart } from './svg.ts';

/** Local calendar date (YYYY-MM-DD) and hour of each simulated hour, on the zone's clock (its zone.json). */
export function localDates(year: Pick<YearResult, 'timeZone' | 'hourly'>): { date: string[]; hour: number[] } {
  return localDatesOf(year.timeZone, year.hourly.startUtcS);
}

/** Local calendar date and hour, in an IANA time zone, of each UTC hour start. */
export function localDatesOf(timeZone: string, startUtcS: readonly number[]): { date: string[]; hour: number[] } {
  const fmt = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    hourCycle: 'h23',
  });
  const date: string[] = [];
  const hour: number[] = [];
  for (const s of startUtcS) {
    const p = Object.fromEntries(fmt.formatToParts(new Date(s * 1000)).map((x) => [x.type, x.value]));
    date.push(`${p.year}-${p.month}-${p.day}`);
    hour.push(Number(p.hour) % 24);
  }
  return { date, hour };
}

/** Indices of the simulated hours falling on `day` (local time); empty when the day was not simulated. */
export function dayIndices(year: YearResult, day: string): number[] {
  const { date } = localDates(year);
  const out: number[] = [];
  date.forEach((d, i) => {
    if (d === day) out.push(i);
  });
  return out;
}

const kwh = (wh: number | undefined) => (wh ?? 0) / 1000;

export function dispatchChart(year: YearResult, idx: readonly number[], day: string): string {
  const h = year.hourly;
  const { hour } = localDates(year);
  const pick = (arr: readonly number[], sign = 1) => idx.map((i) => sign * kwh(arr[i]));
  const pvUsed = idx.map((i) => kwh((h.pvAvailableWh[i] ?? 0) - (h.pvCurtailedWh[i] ?? 0)));
  return stackedBarChart({
    title: `Dispatch ${day} (local time) — ${year.zone} ${year.siteType}, ${year.controller}`,
    yLabel: 'kWh per hour (supply +, use −)',
    xLabels: idx.map((i) => String(hour[i]).padStart(2, '0')),
    series: [
      { name: 'PV', values: pvUsed, color: '#f2b701' },
      { name: 'Battery out', values: pick(h.batteryDischargeWh), color: '#3b8bc2' },
      { name: 'Grid import', values: pick(h.gridImportWh), color: '#7f7f7f' },
      { name: 'Base load', values: pick(h.baseLoadWh, -1), color: '#8c564b' },
      { name: 'GPU', values: pick(h.gpuWh, -1), color: '#9467bd' },
      { name: 'EV', values: pick(h.evWh, -1), color: '#2ca02c' },
      { name: 'Battery in', values: pick(h.batteryChargeWh, -1), color: '#9ecae1' },
      { name: 'Grid export', values: pick(h.gridExportWh, -1), color: '#ff7f0e' },
    ],
  });
}

export function socChart(year: YearResult, idx: readonly number[], day: string, capacityWh: number): string {
  const { hour } = localDates(year);
  const soc = idx.map((i) => kwh(year.hourly.batterySocWh[i]));
  return lineChart({
    title: `Battery state of charge ${day} (end of hour) — ${year.zone} ${year.siteType}`,
    yLabel: 'kWh stored',
    xLabels: idx.map((i) => String(hour[i]).padStart(2, '0')),
    series: [
      { name: 'SoC', values: soc, color: '#3b8bc2' },
      { name: 'Capacity', values: idx.map(() => capacityWh / 1000), color: '#bbbbbb' },
    ],
    yMax: capacityWh / 1000,
  });
}

export interface MonthlyEnergy {
  months: string[];
  pvKwh: number[];
  importKwh: number[];
  exportKwh: number[];
  selfConsumptionKwh: number[];
}

/**
 * Monthly sums on the zone's local calendar: PV delivered, import, export, PV used on site (delivered − exported).
 * A simulated year is the data's UTC year, so in a zone east or west of UTC its first or last local hours fall in the
 * neighbouring year (for US-CAL-CISO, 2022-12-31 16:00–24:00); they are a part of the year's December or January, so
 * months are bucketed by local month of the year and labelled with the data's year: twelve buckets for a year, in
 * calendar order.
 */
export function monthlyEnergy(year: YearResult): MonthlyEnergy {
  const { date } = localDates(year);
  const h = year.hourly;
  const acc = new Map<number, { pv: number; imp: number; exp: number }>();
  date.forEach((d, i) => {
    const month = Number(d.slice(5, 7));
    let a = acc.get(month);
    if (!a) {
      a = { pv: 0, imp: 0, exp: 0 };
      acc.set(month, a);
    }
    a.pv += kwh((h.pvAvailableWh[i] ?? 0) - (h.pvCurtailedWh[i] ?? 0));
    a.imp += kwh(h.gridImportWh[i]);
    a.exp += kwh(h.gridExportWh[i]);
  });
  const order = [...acc.keys()].sort((x, y) => x - y);
  const get = (m: number) => acc.get(m)!;
  return {
    months: order.map((m) => `${year.year}-${String(m).padStart(2, '0')}`),
    pvKwh: order.map((m) => get(m).pv),
    importKwh: order.map((m) => get(m).imp),
    exportKwh: order.map((m) => get(m).exp),
    selfConsumptionKwh: order.map((m) => Math.max(0, get(m).pv - get(m).exp)),
  };
}

export function monthlyChart(year: YearResult): string {
  const m = monthlyEnergy(year);
  return groupedBarChart({
    title: `Monthly energy — ${year.zone} ${year.siteType}, ${year.controller}`,
    yLabel: 'kWh',
    xLabels: m.months,
    series: [
      { name: 'PV', values: m.pvKwh, color: '#f2b701' },
      { name: 'Grid import', values: m.importKwh, color: '#7f7f7f' },
      { name: 'Grid export', values: m.exportKwh, color: '#ff7f0e' },
      { name: 'Self-consumption', values: m.selfConsumptionKwh, color: '#2ca02c' },
    ],
  });
}

export function cashFlowChart(r: InvestmentResult): string {
  return barLineChart({
    title: `Annual net cash flow — ${r.model} in ${r.zone}`,
    yLabel: 'USD (nominal)',
    xLabels: r.cashFlows.map((c) => String(c.year)),
    bars: { name: 'Net cash flow', values: r.cashFlows.map((c) => toUsd(c.netUsdc6)), color: '#1f77b4' },
    line: { name: 'Cumulative', values: r.cashFlows.map((c) => toUsd(c.cumulativeUsdc6)), color: '#000000' },
  });
}

export function tornadoChartFor(r: InvestmentResult): string {
  const v = Math.round(r.tornado.variation * 100);
  return tornadoChart({
    title: `NPV sensitivity (±${v}%) — ${r.model} in ${r.zone}`,
    xLabel: 'NPV, USD',
    base: toUsd(r.tornado.baseNpvUsdc6),
    bars: r.tornado.bars.map((b) => ({ label: b.label, low: toUsd(b.lowNpvUsdc6), high: toUsd(b.highNpvUsdc6) })),
  });
}
