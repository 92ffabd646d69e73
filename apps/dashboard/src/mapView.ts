// The world map's view, one for every page that draws sites on it (the outline itself is world.ts, loaded lazily).
/** The inhabited band, so that the sites are not squeezed into a corner; drag and scroll to move and zoom. */
export const WORLD_GEO = {
  map: 'world',
  boundingCoords: [
    [-135, 65],
    [155, -45],
  ],
  roam: true,
  silent: true,
  itemStyle: { areaColor: '#eef1f4', borderColor: '#b8c0c8' },
  emphasis: { disabled: true },
} as const;
