// Minimal, dependency-free SVG chart generation. Pure functions: data in, SVG text out. Only the
// five chart shapes the CLI needs (stacked bars, lines, grouped bars, bars + line, tornado).

export interface Series {
  name: string;
  values: readonly number[];
  color: string;
}

const W = 900;
const H = 420;
const M = { top: 48, right: 24, bottom: 64, left: 84 };
const PALETTE_TEXT = '#222';
const FONT = 'font-family="Helvetica, Arial, sans-serif"';

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const f = (x: number) => (Math.round(x * 100) / 100).toString();

/** Round tick spacing (1, 2, 5 × 10^k) covering [lo, hi] with about `count` ticks. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (lo === hi) {
    lo = lo === 0 ? 0 : Math.min(0, lo);
    hi = hi === 0 ? 1 : Math.max(0, hi);
    if (lo === hi) hi = lo + 1;
  }
  const raw = (hi - lo) / Math.max(1, count - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const start = Math.floor(lo / step) * step;
  const ticks: number[] = [];
  for (let v = start; v <= hi + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  if (ticks[ticks.length - 1]! < hi) ticks.push(ticks[ticks.length - 1]! + step);
  return ticks;
}

export function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${f(v / 1e9)}G`;
  if (a >= 1e6) return `${f(v / 1e6)}M`;
  if (a >= 1e4) return `${f(v / 1e3)}k`;
  return f(v);
}

interface Frame {
  parts: string[];
  y: (v: number) => number;
  plotW: number;
  plotH: number;
}

function frame(title: string, yLabel: string, lo: number, hi: number): Frame {
  const ticks = niceTicks(Math.min(0, lo), Math.max(0, hi));
  const yMin = ticks[0]!;
  const yMax = ticks[ticks.length - 1]!;
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const y = (v: number) => M.top + plotH - ((v - yMin) / (yMax - yMin || 1)) * plotH;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ${FONT} font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="16" fill="${PALETTE_TEXT}">${escapeXml(title)}</text>`,
    `<text transform="translate(18 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="${PALETTE_TEXT}">${escapeXml(yLabel)}</text>`,
  ];
  for (const t of ticks) {
    parts.push(
      `<line x1="${M.left}" x2="${M.left + plotW}" y1="${f(y(t))}" y2="${f(y(t))}" stroke="${t === 0 ? '#555' : '#e3e3e3'}"/>`,
      `<text x="${M.left - 6}" y="${f(y(t) + 4)}" text-anchor="end" fill="${PALETTE_TEXT}">${formatTick(t)}</text>`,
    );
  }
  return { parts, y, plotW, plotH };
}

function legend(parts: string[], items: readonly { name: string; color: string; line?: boolean }[]): void {
  let x = M.left;
  const y = H - 14;
  for (const it of items) {
    parts.push(
      it.line
        ? `<line x1="${x}" x2="${x + 14}" y1="${y - 4}" y2="${y - 4}" stroke="${it.color}" stroke-width="3"/>`
        : `<rect x="${x}" y="${y - 10}" width="14" height="10" fill="${it.color}"/>`,
      `<text x="${x + 18}" y="${y}" fill="${PALETTE_TEXT}">${escapeXml(it.name)}</text>`,
    );
    x += 26 + it.name.length * 7;
  }
}

function xLabelsAt(parts: string[], labels: readonly string[], xCenter: (i: number) => number): void {
  const every = Math.max(1, Math.ceil(labels.length / 24));
  labels.forEach((l, i) => {
    if (i % every !== 0) return;
    parts.push(
      `<text x="${f(xCenter(i))}" y="${H - M.bottom + 16}" text-anchor="middle" fill="${PALETTE_TEXT}">${escapeXml(l)}</text>`,
    );
  });
}

/** Stacked bars; positive values stack upward from 0 and negative values downward. */
export function stackedBarChart(opts: {
  title: string;
  yLabel: string;
  xLabels: readonly string[];
  series: readonly Series[];
}): string {
  const n = opts.xLabels.length;
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < n; i++) {
    let p = 0;
    let q = 0;
    for (const s of opts.series) {
      const v = s.values[i] ?? 0;
      if (v > 0) p += v;
      else q += v;
    }
    hi = Math.max(hi, p);
    lo = Math.min(lo, q);
  }
  const fr = frame(opts.title, opts.yLabel, lo, hi);
  const slot = fr.plotW / Math.max(1, n);
  const bw = slot * 0.8;
  for (let i = 0; i < n; i++) {
    let p = 0;
    let q = 0;
    for (const s of opts.series) {
      const v = s.values[i] ?? 0;
      if (v === 0 || !Number.isFinite(v)) continue;
      const from = v > 0 ? p : q;
      const to = from + v;
      if (v > 0) p = to;
      else q = to;
      const yTop = fr.y(Math.max(from, to));
      const h = Math.abs(fr.y(from) - fr.y(to));
      fr.parts.push(
        `<rect x="${f(M.left + i * slot + (slot - bw) / 2)}" y="${f(yTop)}" width="${f(bw)}" height="${f(h)}" fill="${s.color}"><title>${escapeXml(`${opts.xLabels[i]} ${s.name}: ${f(v)}`)}</title></rect>`,
      );
    }
  }
  xLabelsAt(fr.parts, opts.xLabels, (i) => M.left + (i + 0.5) * slot);
  legend(fr.parts, opts.series);
  fr.parts.push('</svg>');
  return fr.parts.join('\n');
}

/** One or more lines over the same x axis. */
export function lineChart(opts: {
  title: string;
  yLabel: string;
  xLabels: readonly string[];
  series: readonly Series[];
  yMax?: number;
}): string {
  const all = opts.series.flatMap((s) => s.values.filter(Number.isFinite));
  const fr = frame(opts.title, opts.yLabel, Math.min(0, ...all), Math.max(opts.yMax ?? 0, ...all));
  const n = opts.xLabels.length;
  const x = (i: number) => M.left + (n <= 1 ? fr.plotW / 2 : (i / (n - 1)) * fr.plotW);
  for (const s of opts.series) {
    const pts = s.values.map((v, i) => `${f(x(i))},${f(fr.y(v))}`).join(' ');
    fr.parts.push(`<polyline points="${pts}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
  }
  xLabelsAt(fr.parts, opts.xLabels, x);
  legend(
    fr.parts,
    opts.series.map((s) => ({ ...s, line: true })),
  );
  fr.parts.push('</svg>');
  return fr.parts.join('\n');
}

/** Side-by-side bars per x label, one per series. */
export function groupedBarChart(opts: {
  title: string;
  yLabel: string;
  xLabels: readonly string[];
  series: readonly Series[];
}): string {
  const all = opts.series.flatMap((s) => s.values.filter(Number.isFinite));
  const fr = frame(opts.title, opts.yLabel, Math.min(0, ...all), Math.max(0, ...all));
  const n = opts.xLabels.length;
  const slot = fr.plotW / Math.max(1, n);
  const bw = (slot * 0.8) / Math.max(1, opts.series.length);
  opts.series.forEach((s, k) => {
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v)) return;
      const x0 = M.left + i * slot + slot * 0.1 + k * bw;
      fr.parts.push(
        `<rect x="${f(x0)}" y="${f(fr.y(Math.max(0, v)))}" width="${f(bw)}" height="${f(Math.abs(fr.y(0) - fr.y(v)))}" fill="${s.color}"><title>${escapeXml(`${opts.xLabels[i]} ${s.name}: ${f(v)}`)}</title></rect>`,
      );
    });
  });
  xLabelsAt(fr.parts, opts.xLabels, (i) => M.left + (i + 0.5) * slot);
  legend(fr.parts, opts.series);
  fr.parts.push('</svg>');
  return fr.parts.join('\n');
}

/** Bars (e.g. yearly cash flow, coloured by sign) with a line (e.g. cumulative) on the same axis. */
export function barLineChart(opts: {
  title: string;
  yLabel: string;
  xLabels: readonly string[];
  bars: Series;
  line: Series;
  negativeColor?: string;
}): string {
  const all = [...opts.bars.values, ...opts.line.values].filter(Number.isFinite);
  const fr = frame(opts.title, opts.yLabel, Math.min(0, ...all), Math.max(0, ...all));
  const n = opts.xLabels.length;
  const slot = fr.plotW / Math.max(1, n);
  const bw = slot * 0.7;
  opts.bars.values.forEach((v, i) => {
    fr.parts.push(
      `<rect x="${f(M.left + i * slot + (slot - bw) / 2)}" y="${f(fr.y(Math.max(0, v)))}" width="${f(bw)}" height="${f(Math.abs(fr.y(0) - fr.y(v)))}" fill="${v < 0 ? (opts.negativeColor ?? '#d62728') : opts.bars.color}"><title>${escapeXml(`${opts.xLabels[i]}: ${f(v)}`)}</title></rect>`,
    );
  });
  const pts = opts.line.values.map((v, i) => `${f(M.left + (i + 0.5) * slot)},${f(fr.y(v))}`).join(' ');
  fr.parts.push(`<polyline points="${pts}" fill="none" stroke="${opts.line.color}" stroke-width="2.5"/>`);
  xLabelsAt(fr.parts, opts.xLabels, (i) => M.left + (i + 0.5) * slot);
  legend(fr.parts, [opts.bars, { ...opts.line, line: true }]);
  fr.parts.push('</svg>');
  return fr.parts.join('\n');
}

export interface TornadoBar {
  label: string;
  low: number; // output with the driver at its low setting
  high: number; // output with the driver at its high setting
}

/** Horizontal tornado: one row per driver, bars from the base value to the low and high outputs. */
export function tornadoChart(opts: {
  title: string;
  xLabel: string;
  base: number;
  bars: readonly TornadoBar[];
}): string {
  const rowH = 30;
  const top = 56;
  const left = 230;
  const right = 40;
  const height = top + rowH * opts.bars.length + 70;
  // zero is always on the axis: whether a driver's range crosses NPV = 0 is what a reader looks for
  const vals = [0, opts.base, ...opts.bars.flatMap((b) => [b.low, b.high])].filter(Number.isFinite);
  const ticks = niceTicks(Math.min(...vals), Math.max(...vals));
  const xMin = ticks[0]!;
  const xMax = ticks[ticks.length - 1]!;
  const plotW = W - left - right;
  const x = (v: number) => left + ((v - xMin) / (xMax - xMin || 1)) * plotW;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" ${FONT} font-size="12">`,
    `<rect width="${W}" height="${height}" fill="#fff"/>`,
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="16" fill="${PALETTE_TEXT}">${escapeXml(opts.title)}</text>`,
  ];
  const bottom = top + rowH * opts.bars.length;
  for (const t of ticks) {
    parts.push(
      `<line x1="${f(x(t))}" x2="${f(x(t))}" y1="${top - 6}" y2="${bottom}" stroke="#e3e3e3"/>`,
      `<text x="${f(x(t))}" y="${bottom + 16}" text-anchor="middle" fill="${PALETTE_TEXT}">${formatTick(t)}</text>`,
    );
  }
  opts.bars.forEach((b, i) => {
    const yy = top + i * rowH;
    parts.push(
      `<text x="${left - 8}" y="${yy + rowH / 2 + 4}" text-anchor="end" fill="${PALETTE_TEXT}">${escapeXml(b.label)}</text>`,
    );
    for (const [v, color, tag] of [
      [b.low, '#d62728', 'low'],
      [b.high, '#2ca02c', 'high'],
    ] as const) {
      const x0 = Math.min(x(opts.base), x(v));
      parts.push(
        `<rect x="${f(x0)}" y="${yy + 5}" width="${f(Math.abs(x(v) - x(opts.base)))}" height="${rowH - 10}" fill="${color}" fill-opacity="0.8"><title>${escapeXml(`${b.label} ${tag}: ${f(v)}`)}</title></rect>`,
      );
    }
  });
  if (opts.base !== 0) {
    parts.push(
      `<line x1="${f(x(0))}" x2="${f(x(0))}" y1="${top - 10}" y2="${bottom + 4}" stroke="#d62728" stroke-width="1.5" stroke-dasharray="5 3"><title>NPV = 0: break-even</title></line>`,
      `<text x="${f(x(0))}" y="${bottom + 30}" text-anchor="middle" fill="#d62728">NPV = 0</text>`,
    );
  }
  parts.push(
    `<line x1="${f(x(opts.base))}" x2="${f(x(opts.base))}" y1="${top - 10}" y2="${bottom + 4}" stroke="#000" stroke-width="1.5"/>`,
    `<text x="${f(x(opts.base))}" y="${top - 14}" text-anchor="middle" fill="${PALETTE_TEXT}">base ${formatTick(opts.base)}</text>`,
    `<text x="${left + plotW / 2}" y="${bottom + 36}" text-anchor="middle" fill="${PALETTE_TEXT}">${escapeXml(opts.xLabel)}</text>`,
  );
  const ly = height - 12;
  parts.push(
    `<rect x="${left}" y="${ly - 10}" width="14" height="10" fill="#d62728"/><text x="${left + 18}" y="${ly}">driver at low setting</text>`,
    `<rect x="${left + 170}" y="${ly - 10}" width="14" height="10" fill="#2ca02c"/><text x="${left + 188}" y="${ly}">driver at high setting</text>`,
    '</svg>',
  );
  return parts.join('\n');
}
