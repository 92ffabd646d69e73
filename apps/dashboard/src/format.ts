// The one place numbers from the API become text. Nothing here recomputes a figure: token amounts are decimal strings
// of usdc6 (millionths of a dollar) and are only re-punctuated, integers are only grouped, basis points only shifted.

/** Groups an integer string's digits by thousands: "1234567" → "1,234,567". */
function groupDigits(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** usdc6 (integer, as a decimal string or a safe integer) → "12.345678 USD", every one of the six decimals kept. */
export function formatUsdc6(value: string | number | bigint): string {
  const raw = String(value);
  if (!/^-?\d+$/.test(raw)) return `${raw} (not a usdc6 amount)`;
  const negative = raw.startsWith('-');
  const digits = (negative ? raw.slice(1) : raw).padStart(7, '0');
  const whole = digits.slice(0, -6).replace(/^0+(?=\d)/, '');
  return `${negative ? '-' : ''}${groupDigits(whole)}.${digits.slice(-6)} USD`;
}

/** An integer count or amount with its unit: 12345, 'Wh' → "12,345 Wh". */
export function formatInt(value: number | string, unit = ''): string {
  const raw = String(value);
  const text = /^-?\d+$/.test(raw) ? (raw.startsWith('-') ? '-' + groupDigits(raw.slice(1)) : groupDigits(raw)) : raw;
  return unit === '' ? text : `${text} ${unit}`;
}

/** Hundredths (an integer) → two decimals with the unit, only shifted: 533 → "5.33 h". */
export function formatHundredths(value: number | string | bigint, unit = ''): string {
  const raw = String(value);
  if (!/^-?\d+$/.test(raw)) return raw;
  const negative = raw.startsWith('-');
  const digits = (negative ? raw.slice(1) : raw).padStart(3, '0');
  const text = `${negative ? '-' : ''}${groupDigits(digits.slice(0, -2))}.${digits.slice(-2)}`;
  return unit === '' ? text : `${text} ${unit}`;
}

/** Basis points → percent with two decimals: 8765 → "87.65 %". */
export function formatBps(bps: number): string {
  const raw = String(Math.trunc(bps)).padStart(3, '0');
  return `${raw.slice(0, -2)}.${raw.slice(-2)} %`;
}

/** UTC seconds → "2026-12-01 22:00 UTC". */
export function formatUtc(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/** An hour slot (UTC hours since 1970) → its start: "2026-12-01 22:00 UTC". */
export function formatSlot(slot: number): string {
  return formatUtc(slot * 3600);
}

/** Seconds until something → "2 h 05 min", or "started 0 h 10 min ago" when negative. */
export function formatDuration(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  const text = `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  return seconds < 0 ? `started ${text} ago` : text;
}

/** 0x… address or hash shortened for tables; the full value goes in the title attribute. */
export function shortHex(hex: string | null | undefined): string {
  if (hex === null || hex === undefined) return '—';
  return hex.length > 14 ? `${hex.slice(0, 8)}…${hex.slice(-6)}` : hex;
}

/** usdc6 as a JS number of dollars, for chart axes only (tables use formatUsdc6). */
export function usdc6ToChartNumber(value: string | number): number {
  return Number(value) / 1e6;
}

/** Parts per million → percent with four decimals, only shifted: 153456 → "15.3456 %". */
export function formatPpm(ppm: number): string {
  const raw = String(Math.trunc(Math.abs(ppm))).padStart(5, '0');
  return `${ppm < 0 ? '-' : ''}${raw.slice(0, -4)}.${raw.slice(-4)} %`;
}

/** A zero-padded ASCII bytesN from the chain (a registered geohash, a GPU model) → its text: "0x7731…00" → "w21…". */
export function bytesToText(hex: string): string {
  if (!/^0x([0-9a-fA-F]{2})*$/.test(hex)) return hex;
  let out = '';
  for (let i = 2; i < hex.length; i += 2) {
    const code = parseInt(hex.slice(i, i + 2), 16);
    if (code === 0) break;
    out += String.fromCharCode(code);
  }
  return out;
}
