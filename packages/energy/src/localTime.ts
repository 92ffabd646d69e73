export interface LocalClock {
  /** Local clock hour 0..23 (DST-aware, from the IANA zone). */
  hour: Uint8Array;
  /** 0 = Sunday .. 6 = Saturday. */
  weekday: Uint8Array;
  /** Local month 0..11. */
  month: Uint8Array;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const cache = new Map<string, LocalClock>();

/**
 * Local clock for `hours` UTC hours from `startUtcS`, via Intl (ICU tz database), so daylight saving
 * is applied the way a tariff or a household sees it. Evaluated at each hour's start.
 */
export function localClock(timeZone: string, startUtcS: number, hours: number): LocalClock {
  const key = `${timeZone}|${startUtcS}|${hours}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    hour: '2-digit',
    weekday: 'short',
    month: 'numeric',
  });
  const c: LocalClock = { hour: new Uint8Array(hours), weekday: new Uint8Array(hours), month: new Uint8Array(hours) };
  for (let i = 0; i < hours; i++) {
    let h = 0;
    let wd = 0;
    let mo = 0;
    for (const p of fmt.formatToParts(new Date((startUtcS + i * 3600) * 1000))) {
      if (p.type === 'hour') h = Number(p.value) % 24;
      else if (p.type === 'weekday') wd = WEEKDAYS[p.value] ?? 0;
      else if (p.type === 'month') mo = Number(p.value) - 1;
    }
    c.hour[i] = h;
    c.weekday[i] = wd;
    c.month[i] = mo;
  }
  cache.set(key, c);
  return c;
}
