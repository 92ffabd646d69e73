// ECharts, only the parts the pages draw (keeps the bundle and the build small), and the world outline shipped in the
// npm package world-atlas (Natural Earth 1:110m, public domain): nothing is fetched at run time.
import * as echarts from 'echarts/core';
import { LineChart, BarChart, ScatterChart, MapChart } from 'echarts/charts';
import {
  GridComponent,
  TooltipComponent,
  LegendComponent,
  TitleComponent,
  GeoComponent,
  DataZoomComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { feature } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import countries from 'world-atlas/countries-110m.json';

echarts.use([
  LineChart,
  BarChart,
  ScatterChart,
  MapChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  TitleComponent,
  GeoComponent,
  DataZoomComponent,
  CanvasRenderer,
]);

const topology = countries as unknown as Topology<{ countries: GeometryCollection }>;
echarts.registerMap('world', feature(topology, topology.objects.countries) as never);

export { echarts };
