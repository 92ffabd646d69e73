/**
 * A carriage-return progress line on stderr: label, bar, percent and ETA. Returns an onProgress
 * callback (fraction 0..1); prints a newline when done.
 */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): (fraction: number) => void {
  const t0 = Date.now();
  let done = false;
  let last = 0;
  return (f: number) => {
    if (done) return;
    const frac = Math.min(1, Math.max(0, f));
    const now = Date.now();
    if (frac < 1 && now - last < 250) return; // 4 redraws per second are enough
    last = now;
    const elapsed = (Date.now() - t0) / 1000;
    const eta = frac > 0 ? (elapsed * (1 - frac)) / frac : NaN;
    const width = 30;
    const filled = Math.round(frac * width);
    const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
    const etaText = Number.isFinite(eta) ? `${eta.toFixed(0)}s` : '--';
    stream.write(`\r${label} [${bar}] ${(frac * 100).toFixed(1).padStart(5)}% ETA ${etaText.padStart(4)}   `);
    if (frac >= 1) {
      stream.write(`\r${label} [${bar}] 100.0% in ${elapsed.toFixed(1)}s        \n`);
      done = true;
    }
  };
}
