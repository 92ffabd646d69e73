// Text output helpers: aligned tables and number formatting; JSON with bigints as strings.

export type Align = 'left' | 'right';

/** Render rows as an aligned table; the first row is the header, underlined with dashes. */
export function table(rows: readonly (readonly string[])[], align: readonly Align[] = []): string {
  if (rows.length === 0) return '';
  const cols = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: cols }, (_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const fmt = (r: readonly string[]) =>
    widths
      .map((w, c) => {
        const cell = r[c] ?? '';
        return (align[c] ?? (c === 0 ? 'left' : 'right')) === 'left' ? cell.padEnd(w) : cell.padStart(w);
      })
      .join('  ')
      .trimEnd();
  const [head, ...body] = rows;
  return [fmt(head!), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(fmt)].join('\n');
}

/** Thousands-separated number with fixed decimals. */
export function num(x: number, decimals = 0): string {
  if (!Number.isFinite(x)) return String(x);
  return x.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

export function pct(x: number | null, decimals = 1): string {
  return x === null ? 'none' : `${(x * 100).toFixed(decimals)}%`;
}

export function years(x: number | null): string {
  return x === null ? 'never' : `${x.toFixed(1)} yr`;
}

/** JSON.stringify with bigints as decimal strings and typed arrays as plain arrays. */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
      return v;
    },
    2,
  );
}
