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

/** Wh (an integer) → kWh with all three decimals, only shifted: 12345 → "12.345 kWh". */
export function formatKwh(wh: number | string): string {
  const raw = String(wh);
  if (!/^-?\d+$/.test(raw)) return `${raw} (not an integer Wh)`;
  const negative = raw.startsWith('-');
  const digits = (negative ? raw.slice(1) : raw).padStart(4, '0');
  return `${negative ? '-' : ''}${groupDigits(digits.slice(0, -3).replace(/^0+(?=\d)/, ''))}.${digits.slice(-3)} kWh`;
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
  const t = Math.trunc(bps);
  const raw = String(Math.abs(t)).padStart(3, '0');
  return `${t < 0 ? '-' : ''}${raw.slice(0, -2)}.${raw.slice(-2)} %`;
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

interface CheckOutcomeInput {
  state: 'verified' | 'missing' | 'misreported';
  challenge?: { status: string; kind?: string; fault?: string; reason?: string; rewardUsdc6?: number };
  omission?: { status: string; reason?: string; rewardUsdc6?: number; bondUsdc6?: number; answerBy?: number };
}

/**
 * What the device did about a checked hour, in words, and what it earned the owner: its challenge (a fraud proof, or
 * a dropped window proven with the attester's receipt) and its omission claim, which can both touch one hour (a claim
 * answered with a record that is then challenged).
 */
export function checkOutcome(h: CheckOutcomeInput): { text: string; rewardUsdc6: number | undefined } {
  const parts: string[] = [];
  const o = h.omission;
  if (o) {
    if (o.status === 'open')
      parts.push(
        `omission claimed (${formatUsdc6(o.bondUsdc6 ?? 0)} bond); the attester must answer by ${o.answerBy ? formatUtc(o.answerBy) : 'the window’s close'}`,
      );
    else if (o.status === 'proven') parts.push('omission proven: the attester did not answer');
    else if (o.status === 'answered') parts.push('omission claim answered: the attester proved the record');
    else if (o.status === 'claiming') parts.push(`claiming the omission${o.reason ? ` (${o.reason})` : ''}`);
    else parts.push(`omission claim ${o.status}${o.reason ? ` (${o.reason})` : ''}`);
  }
  const c = h.challenge;
  if (c) {
    const what = c.kind === 'dropped-window' ? 'dropped window proven by receipt' : 'challenge';
    if (c.status === 'succeeded') parts.push(`${what} succeeded${c.fault ? `: ${c.fault}` : ''}`);
    else if (c.status === 'not-challengeable') parts.push(`not challengeable${c.reason ? ` (${c.reason})` : ''}`);
    else parts.push(`${what} ${c.status}${c.reason ? ` (${c.reason})` : ''}`);
  }
  if (parts.length === 0) parts.push(h.state === 'verified' ? 'not needed' : 'none');
  // A node-hour forfeits at most one bond (AttestationOracle), so at most one of the two paid.
  return { text: parts.join('; '), rewardUsdc6: c?.rewardUsdc6 ?? o?.rewardUsdc6 };
}
