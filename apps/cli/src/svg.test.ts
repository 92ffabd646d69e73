import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSvg } from './svgCheck.ts';
import {
  barLineChart,
  escapeXml,
  groupedBarChart,
  lineChart,
  niceTicks,
  stackedBarChart,
  tornadoChart,
} from './svg.ts';

test('niceTicks covers the range with round steps', () => {
  assert.deepEqual(niceTicks(0, 10, 6), [0, 2, 4, 6, 8, 10]);
  const t = niceTicks(-3.3, 17.2);
  assert.ok(t[0]! <= -3.3 && t[t.length - 1]! >= 17.2);
  assert.deepEqual(niceTicks(5, 5).slice(0, 1), [0]);
});

test('charts are well-formed SVG with one mark per data point', () => {
  const labels = ['a', 'b', 'c'];
  const s = stackedBarChart({
    title: 'T & <x>',
    yLabel: 'kWh',
    xLabels: labels,
    series: [
      { name: 'pv', values: [1, 2, 3], color: '#f00' },
      { name: 'load', values: [-1, -2, 0], color: '#00f' },
    ],
  });
  const tags = checkSvg(s);
  assert.ok(s.includes('T &amp; &lt;x&gt;'));
  // 5 non-zero values → 5 bars, plus background and 2 legend swatches
  assert.equal(tags.filter((t) => t === 'rect').length, 1 + 5 + 2);
  checkSvg(
    lineChart({ title: 'l', yLabel: 'y', xLabels: labels, series: [{ name: 's', values: [1, 3, 2], color: '#000' }] }),
  );
  checkSvg(
    groupedBarChart({
      title: 'g',
      yLabel: 'y',
      xLabels: labels,
      series: [{ name: 's', values: [1, -3, 2], color: '#000' }],
    }),
  );
  const bl = barLineChart({
    title: 'b',
    yLabel: 'y',
    xLabels: labels,
    bars: { name: 'net', values: [-10, 4, 8], color: '#00f' },
    line: { name: 'cum', values: [-10, -6, 2], color: '#000' },
  });
  checkSvg(bl);
  assert.ok(bl.includes('fill="#d62728"'), 'negative bar coloured');
  const tor = tornadoChart({ title: 't', xLabel: 'NPV', base: 5, bars: [{ label: 'capex', low: 9, high: 1 }] });
  checkSvg(tor);
  assert.ok(tor.includes('capex'));
  assert.equal(escapeXml(`"'`), '&quot;&apos;');
});
