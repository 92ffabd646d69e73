/** Minimal writer for CPLEX LP format (as read by HiGHS): minimise, rows, bounds. Readable by design. */
export class LpModel {
  private readonly obj = new Map<string, number>();
  private readonly rows: string[] = [];
  private readonly bounds = new Map<string, [number, number]>();

  /** Declare a variable with bounds (default [0, +inf)). */
  variable(name: string, lo = 0, hi = Infinity): string {
    this.bounds.set(name, [lo, hi]);
    return name;
  }

  cost(name: string, c: number): void {
    if (c !== 0) this.obj.set(name, (this.obj.get(name) ?? 0) + c);
  }

  row(name: string, terms: readonly (readonly [number, string])[], sense: '<=' | '>=' | '=', rhs: number): void {
    const t = terms.filter(([c]) => c !== 0);
    if (t.length === 0) {
      const ok = sense === '<=' ? 0 <= rhs + 1e-9 : sense === '>=' ? 0 >= rhs - 1e-9 : Math.abs(rhs) < 1e-9;
      if (!ok) throw new Error(`LP row ${name}: empty row cannot satisfy ${sense} ${rhs}`);
      return;
    }
    this.rows.push(` ${name}: ${expr(t)} ${sense} ${fmt(rhs)}`);
  }

  toString(): string {
    const objTerms = [...this.obj].map(([v, c]) => [c, v] as const);
    const out = ['Minimize', ` obj: ${objTerms.length ? expr(objTerms) : '0 ' + [...this.bounds.keys()][0]}`];
    out.push('Subject To', ...this.rows, 'Bounds');
    for (const [v, [lo, hi]] of this.bounds) {
      if (hi === Infinity) out.push(lo === 0 ? ` ${v} >= 0` : ` ${v} >= ${fmt(lo)}`);
      else out.push(` ${fmt(lo)} <= ${v} <= ${fmt(hi)}`);
    }
    out.push('End');
    return out.join('\n');
  }
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`LP: non-finite number ${x}`);
  return Math.abs(x) < 1e-12 ? '0' : String(Number(x.toPrecision(12)));
}

/** Linear expression, 6 terms per line (the LP format limits line length). */
function expr(terms: readonly (readonly [number, string])[]): string {
  const parts = terms.map(([c, v], i) => {
    const s = c < 0 ? '-' : '+';
    const a = Math.abs(c);
    const term = `${a === 1 ? '' : fmt(a) + ' '}${v}`;
    return i === 0 && s === '+' ? term : `${s} ${term}`;
  });
  const lines: string[] = [];
  for (let i = 0; i < parts.length; i += 6) lines.push(parts.slice(i, i + 6).join(' '));
  return lines.join('\n   ');
}
