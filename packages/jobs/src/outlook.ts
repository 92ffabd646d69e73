// What the scheduler expects of a zone's hour: its grid carbon intensity and the output of a 1 kWp reference array,
// from the shipped day-ahead models (@greenhour/forecast) run on the zone's data year. The project's sites replay 2023
// (the simulated meters take the same hour of 2023's weather, packages/agent), so a slot of any year is forecast as the
// same hour of 2023, issued at 12:00 UTC the day before from the hours before it; the actuals of that hour are what
// the measured account uses. Days whose history is too short for the models (the first week of the year) are given
// their actuals, and say so.
import { InputError } from '@greenhour/errors';
import { forecastZoneDayAhead, HISTORY_HOURS_NEEDED, zoneHistory2023 } from '@greenhour/forecast';

const DATA_YEAR_START_S = Date.UTC(2023, 0, 1) / 1000;
const DAYS_IN_DATA_YEAR = 365;

export interface SlotOutlook {
  carbonGPerKwh: number;
  pvWhPerKwp: number;
  /** 'forecast': the day-ahead models; 'actual': the data year's value (no forecast could be issued). */
  source: 'forecast' | 'actual';
}

export interface HourActual {
  carbonGPerKwh: number;
  pvWhPerKwp: number;
}

/** Day of the year (0-based; Dec 31 of a leap year read as Dec 30) and hour of day of a slot. */
export function dataYearHour(slot: number): { day: number; hour: number } {
  if (!Number.isSafeInteger(slot) || slot < 0) throw new InputError('slot', `a non-negative integer, got ${slot}`);
  const t = slot * 3600;
  const year = new Date(t * 1000).getUTCFullYear();
  const day = Math.min(Math.floor((t - Date.UTC(year, 0, 1) / 1000) / 86_400), DAYS_IN_DATA_YEAR - 1);
  return { day, hour: Math.floor((t % 86_400) / 3600) };
}

export class ZoneOutlook {
  readonly #days = new Map<string, { carbon: number[]; pv: number[]; source: SlotOutlook['source'] }>();

  /** The data year's actual intensity and reference PV of the slot's hour. */
  actual(zone: string, slot: number): HourActual {
    const { day, hour } = dataYearHour(slot);
    const h = zoneHistory2023(zone);
    const i = day * 24 + hour;
    return { carbonGPerKwh: Math.round(h.carbonLcaGPerKwh[i]!), pvWhPerKwp: Math.round(h.pvWhPerKwp[i]!) };
  }

  /** The day-ahead forecast of the slot's hour in `zone` (throws InputError for a zone without data). */
  forSlot(zone: string, slot: number): SlotOutlook {
    const { day, hour } = dataYearHour(slot);
    const key = `${zone}:${day}`;
    let d = this.#days.get(key);
    if (d === undefined) {
      const history = zoneHistory2023(zone);
      const issueS = DATA_YEAR_START_S + day * 86_400 - 12 * 3600;
      if (issueS - DATA_YEAR_START_S >= HISTORY_HOURS_NEEDED * 3600) {
        const f = forecastZoneDayAhead(zone, history, issueS);
        d = { carbon: f.carbonLcaGPerKwh, pv: f.pvWhPerKwp, source: 'forecast' };
      } else {
        const at = (v: ArrayLike<number>) => Array.from({ length: 24 }, (_, k) => v[day * 24 + k]!);
        d = { carbon: at(history.carbonLcaGPerKwh), pv: at(history.pvWhPerKwp), source: 'actual' };
      }
      this.#days.set(key, d);
    }
    return {
      carbonGPerKwh: Math.max(0, Math.round(d.carbon[hour]!)),
      pvWhPerKwp: Math.max(0, Math.round(d.pv[hour]!)),
      source: d.source,
    };
  }
}
