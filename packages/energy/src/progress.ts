/** Where progress goes: a terminal redraws one line; a log (pipe, file, CI) gets a line per 10 %. */
export interface ProgressSink {
  write(text: string): void;
  isTTY: boolean;
}

const stderrSink: ProgressSink = {
  write: (text) => void process.stderr.write(text),
  get isTTY() {
    return process.stderr.isTTY === true;
  },
};

/**
 * Progress of a long run: on a terminal a carriage-return line with bar, percent and ETA (4 redraws per second);
 * elsewhere one line per 10 % so logs stay readable. Returns an onProgress callback (fraction 0..1).
 */
export function progressBar(label: string, sink: ProgressSink = stderrSink): (fraction: number) => void {
  const t0 = Date.now();
  let done = false;
  let last = 0;
  let lastDecile = -1;
  return (f: number) => {
    if (done) return;
    const frac = Math.min(1, Math.max(0, f));
    const elapsed = (Date.now() - t0) / 1000;
    if (frac >= 1) done = true;
    if (!sink.isTTY) {
      const decile = Math.floor(frac * 10);
      if (decile === lastDecile) return;
      lastDecile = decile;
      sink.write(done ? `${label}: 100% in ${elapsed.toFixed(1)}s\n` : `${label}: ${decile * 10}%\n`);
      return;
    }
    const now = Date.now();
    if (!done && now - last < 250) return;
    last = now;
    const eta = frac > 0 ? (elapsed * (1 - frac)) / frac : NaN;
    const width = 30;
    const filled = Math.round(frac * width);
    const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
    const etaText = Number.isFinite(eta) ? `${eta.toFixed(0)}s` : '--';
    sink.write(
      done
        ? `\r${label} [${bar}] 100.0% in ${elapsed.toFixed(1)}s        \n`
        : `\r${label} [${bar}] ${(frac * 100).toFixed(1).padStart(5)}% ETA ${etaText.padStart(4)}   `,
    );
  };
}
