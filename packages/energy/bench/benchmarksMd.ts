import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCHMARKS_MD = resolve(dirname(fileURLToPath(import.meta.url)), '../../../BENCHMARKS.md');

/**
 * Replace (or append) the section starting with `heading` (e.g. "## Site optimizer") up to the next
 * "## " heading, leaving every other section of BENCHMARKS.md untouched (other packages own them).
 */
export function updateSection(heading: string, body: string, file = BENCHMARKS_MD): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === heading);
  const section = [heading, '', ...body.trimEnd().split('\n'), ''];
  if (start < 0) {
    const out = text.endsWith('\n') ? text : text + '\n';
    writeFileSync(file, out + '\n' + section.join('\n'));
    return;
  }
  let end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  if (end < 0) end = lines.length;
  writeFileSync(file, [...lines.slice(0, start), ...section, ...lines.slice(end)].join('\n'));
}
