import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { curveChart, HOURS_BEFORE, readCurveSurface, SOLD_FRACTIONS } from './marketCurve.ts';

describe('hour market curve chart (priceAt of the contract on anvil)', () => {
  it('is flat until the horizon, falls linearly to floor/ask of its value, ends at the floor with nothing sold', async () => {
    const surface = await readCurveSurface();
    const horizonIndex = HOURS_BEFORE.indexOf(24);
    for (const [f, row] of surface.pricesUsdc6.entries()) {
      for (let i = 1; i < row.length; i++) {
        assert.ok(row[i]! <= row[i - 1]!, `${SOLD_FRACTIONS[f]} sold: price rose at ${HOURS_BEFORE[i]} h`);
        if (i <= horizonIndex) assert.equal(row[i], row[0], 'flat before the decay horizon');
      }
      // At the slot start every unit is worth floor/ask of its full value.
      const expected = (row[0]! * surface.floorUsdc6) / surface.askUsdc6;
      assert.ok(row.at(-1)! >= expected - 2n && row.at(-1)! <= expected + 2n, `ends at ${expected}`);
    }
    const unsold = surface.pricesUsdc6[0]!;
    assert.ok(
      unsold.at(-1)! >= surface.floorUsdc6 - 1n && unsold.at(-1)! <= surface.floorUsdc6,
      'unsold ends at floor',
    );
    for (let i = 0; i < HOURS_BEFORE.length; i++) {
      for (let f = 1; f < SOLD_FRACTIONS.length; f++) {
        assert.ok(surface.pricesUsdc6[f]![i]! > surface.pricesUsdc6[f - 1]![i]!, 'more sold, higher price');
      }
    }
    const svg = curveChart(surface);
    assert.equal(svg.match(/<polyline/g)?.length, SOLD_FRACTIONS.length);
    assert.match(svg, /75 % sold/);
  });
});
