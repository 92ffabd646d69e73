// The world outline of the fleet map, shipped in the npm package world-atlas (Natural Earth 1:110m, public domain):
// nothing is fetched at run time. Registered as ECharts' map "world" when the map is first drawn (ui.tsx).
import { echarts } from './charts.ts';
import { feature } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import countries from 'world-atlas/countries-110m.json';

const topology = countries as unknown as Topology<{ countries: GeometryCollection }>;
const world = feature(topology, topology.objects.countries) as unknown as {
  type: 'FeatureCollection';
  features: { id?: string; geometry: { type: string; coordinates: number[][][] | number[][][][] } | null }[];
};

/** A ring that crosses the antimeridian (Russia, Fiji) is drawn east of 180° instead of as a line across the map. */
function unwrapRing(ring: number[][]): number[][] {
  const lons = ring.map((p) => p[0]!);
  if (Math.max(...lons) - Math.min(...lons) <= 270) return ring;
  return ring.map(([lon, lat]) => [lon! < 0 ? lon! + 360 : lon!, lat!]);
}

// Antarctica (ISO 3166 numeric 010) has no sites and takes a third of the height.
world.features = world.features
  .filter((f) => f.id !== '010' && f.geometry !== null)
  .map((f) => {
    const g = f.geometry!;
    const coordinates =
      g.type === 'Polygon'
        ? (g.coordinates as number[][][]).map(unwrapRing)
        : (g.coordinates as number[][][][]).map((poly) => poly.map(unwrapRing));
    return { ...f, geometry: { ...g, coordinates } };
  });
echarts.registerMap('world', world as never);

export { echarts };
