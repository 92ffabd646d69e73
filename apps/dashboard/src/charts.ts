// ECharts, only the parts the pages draw (keeps the bundle and the build small). The world outline is world.ts, loaded
// only by the chart that draws the map. Both are loaded when a page first draws a chart (ui.tsx).
import * as echarts from 'echarts/core';
import { LineChart, BarChart, ScatterChart, MapChart, CustomChart } from 'echarts/charts';
import {
  GridComponent,
  TooltipComponent,
  LegendComponent,
  TitleComponent,
  GeoComponent,
  DataZoomComponent,
  MarkLineComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
echarts.use([
  LineChart,
  BarChart,
  ScatterChart,
  MapChart,
  CustomChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  TitleComponent,
  GeoComponent,
  DataZoomComponent,
  MarkLineComponent,
  CanvasRenderer,
]);

export { echarts };
