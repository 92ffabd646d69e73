import { test } from 'node:test';
import assert from 'node:assert/strict';
import { progressBar } from './progress.ts';

test('progress in a log: one line per 10 %, the last with the elapsed time, nothing after done', () => {
  let out = '';
  const onProgress = progressBar('year', { write: (t) => (out += t), isTTY: false });
  for (let i = 0; i <= 100; i++) onProgress(i / 100);
  onProgress(1);
  const lines = out.trimEnd().split('\n');
  assert.equal(lines.length, 11);
  assert.equal(lines[0], 'year: 0%');
  assert.equal(lines[9], 'year: 90%');
  assert.match(lines[10]!, /^year: 100% in \d+\.\ds$/);
  assert.ok(!out.includes('\r'), 'no carriage returns in a log');
});

test('progress on a terminal: one redrawn line with bar and ETA, ended by a newline', () => {
  let out = '';
  const onProgress = progressBar('year', { write: (t) => (out += t), isTTY: true });
  onProgress(0.5);
  onProgress(1);
  assert.match(out, /^\ryear \[#{15}\.{15}\]  50\.0% ETA/);
  assert.match(out, /\ryear \[#{30}\] 100\.0% in \d+\.\ds +\n$/);
  assert.equal(out.split('\n').length, 2);
});
