import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_FLEET } from './demo-fleet.ts';
import { decodeGeohash } from './geohash.ts';
import { ZONE_AREAS, zoneAt } from './zones.ts';

test("a site's zone is the shipped zone whose box holds it; elsewhere none", () => {
  for (const zone of Object.values(ZONE_AREAS)) assert.equal(zoneAt(zone.latDeg, zone.lonDeg)?.id, zone.id);
  // Every demo device, from the geohash it registers (what the chain holds), lands in its own zone.
  for (const d of DEMO_FLEET) {
    const c = decodeGeohash(d.geohash);
    assert.equal(zoneAt(c.latDeg, c.lonDeg)?.id, d.zone, d.id);
  }
  assert.equal(zoneAt(48.85, 2.35), undefined, 'Paris: no zone shipped');
  assert.equal(zoneAt(-33.9, 151.2), undefined, 'Sydney');
  // The box edges belong to the zone.
  const sg = ZONE_AREAS.SG.bbox;
  assert.equal(zoneAt(sg.latMin, sg.lonMin)?.id, 'SG');
  assert.equal(zoneAt(sg.latMin - 0.01, sg.lonMin), undefined);
});

test('the zone boxes do not overlap, so a location has at most one zone', () => {
  const zones = Object.values(ZONE_AREAS);
  for (const [i, a] of zones.entries())
    for (const b of zones.slice(i + 1)) {
      const apart =
        a.bbox.latMax < b.bbox.latMin ||
        b.bbox.latMax < a.bbox.latMin ||
        a.bbox.lonMax < b.bbox.lonMin ||
        b.bbox.lonMax < a.bbox.lonMin;
      assert.ok(apart, `${a.id} and ${b.id} overlap`);
    }
});
