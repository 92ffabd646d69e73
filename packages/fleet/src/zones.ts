// The grid zones the project ships energy data for (data/grid/), where they are: a reference point and a rough
// bounding box each. A site's zone is the zone whose box holds its location (the boxes do not overlap). No import of
// @greenhour/energy (node-only), so the dashboard can use it.
export interface Zone {
  readonly id: DemoZoneId;
  readonly name: string;
  /** Reference point of the zone. */
  readonly latDeg: number;
  readonly lonDeg: number;
  /** Rough bounding box of the grid zone; catches swapped or mistyped coordinates. */
  readonly bbox: { readonly latMin: number; readonly latMax: number; readonly lonMin: number; readonly lonMax: number };
}

/** The zones of the demo fleet: the ones the project ships data for (data/grid/). */
export type DemoZoneId = 'SG' | 'JP-TK' | 'IN-WE' | 'DE-LU' | 'US-CAL-CISO';

export const ZONE_AREAS: Readonly<Record<DemoZoneId, Zone>> = Object.freeze({
  SG: {
    id: 'SG',
    name: 'Singapore',
    latDeg: 1.3,
    lonDeg: 103.86,
    bbox: { latMin: 1.15, latMax: 1.48, lonMin: 103.6, lonMax: 104.1 },
  },
  'JP-TK': {
    id: 'JP-TK',
    name: 'Tokyo (TEPCO area)',
    latDeg: 35.68,
    lonDeg: 139.69,
    bbox: { latMin: 34.8, latMax: 37.2, lonMin: 138.4, lonMax: 141.0 },
  },
  'IN-WE': {
    id: 'IN-WE',
    name: 'Western India grid region',
    latDeg: 19.08,
    lonDeg: 72.88,
    bbox: { latMin: 14.8, latMax: 26.9, lonMin: 68.1, lonMax: 84.4 },
  },
  'DE-LU': {
    id: 'DE-LU',
    name: 'Germany-Luxembourg bidding zone',
    latDeg: 50.11,
    lonDeg: 8.68,
    bbox: { latMin: 47.2, latMax: 55.1, lonMin: 5.7, lonMax: 15.1 },
  },
  'US-CAL-CISO': {
    id: 'US-CAL-CISO',
    name: 'California ISO',
    latDeg: 38.58,
    lonDeg: -121.49,
    bbox: { latMin: 32.5, latMax: 42.0, lonMin: -124.5, lonMax: -114.1 },
  },
});

/** The zone whose bounding box holds the point, or undefined outside every shipped zone. */
export function zoneAt(latDeg: number, lonDeg: number): Zone | undefined {
  for (const zone of Object.values(ZONE_AREAS)) {
    const { latMin, latMax, lonMin, lonMax } = zone.bbox;
    if (latDeg >= latMin && latDeg <= latMax && lonDeg >= lonMin && lonDeg <= lonMax) return zone;
  }
  return undefined;
}
