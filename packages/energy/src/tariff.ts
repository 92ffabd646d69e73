import type { TariffConfig } from './types.ts';
import type { LocalClock } from './localTime.ts';

/** Retail import price at a local hour, USD/kWh: first matching ToU period, else the base rate. */
export function touPrice(t: TariffConfig, localHour: number, weekday: number): number {
  const isWeekday = weekday >= 1 && weekday <= 5;
  for (const p of t.touPeriods) {
    if (p.weekdaysOnly && !isWeekday) continue;
    const inside =
      p.startHour <= p.endHour
        ? localHour >= p.startHour && localHour < p.endHour
        : localHour >= p.startHour || localHour < p.endHour;
    if (inside) return p.usdPerKwh;
  }
  return t.baseUsdPerKwh;
}

/**
 * Hourly import and export prices, USD/kWh. Export is capped at the import price of the same hour:
 * no tariff pays more for export than it charges for import, and the cap keeps the optimizer from
 * importing and exporting in the same hour (a zero-gain round trip, see optimizer.ts).
 */
export function hourlyPrices(
  t: TariffConfig,
  wholesaleUsdPerMwh: Float64Array,
  clock: LocalClock,
  offset: number,
  hours: number,
): { importUsdPerKwh: number[]; exportUsdPerKwh: number[] } {
  const imp = new Array<number>(hours);
  const exp = new Array<number>(hours);
  for (let i = 0; i < hours; i++) {
    const k = offset + i;
    const wholesale = (wholesaleUsdPerMwh[k] ?? 0) / 1000;
    const pi =
      t.importBasis === 'tou'
        ? touPrice(t, clock.hour[k] ?? 0, clock.weekday[k] ?? 1)
        : wholesale + t.wholesaleAdderUsdPerKwh;
    const pe = t.exportBasis === 'fixed' ? t.exportUsdPerKwh : wholesale * t.exportWholesaleFactor;
    imp[i] = pi;
    exp[i] = Math.min(pe, pi);
  }
  return { importUsdPerKwh: imp, exportUsdPerKwh: exp };
}
