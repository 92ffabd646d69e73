import { defineConfig } from 'vite';

// Built to dist/ with relative asset paths, so the service can serve it at / (or under any prefix). The dev server
// proxies /v1 to a running service: GREENHOUR_API (default http://127.0.0.1:8787).
//
// Chunks: React (every page), each page (React.lazy in App.tsx), and ECharts with zrender and the world outline,
// loaded when the first chart is drawn (ui.tsx); the first page shows its tables before the charts' code arrives.
export default defineConfig({
  base: './',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    reportCompressedSize: false,
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (/node_modules\/(react|react-dom|scheduler)\//.test(id)) return 'react';
          if (/node_modules\/(zrender|tslib)\//.test(id)) return 'zrender';
          if (/node_modules\/echarts\//.test(id)) return 'echarts';
          if (/node_modules\/(world-atlas|topojson-client)\//.test(id)) return 'world-atlas';
          return undefined;
        },
      },
    },
  },
  server: { proxy: { '/v1': process.env.GREENHOUR_API ?? 'http://127.0.0.1:8787' } },
});
