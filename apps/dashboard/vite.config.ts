import { defineConfig } from 'vite';

// Built to dist/ with relative asset paths, so the service can serve it at / (or under any prefix). The dev server
// proxies /v1 to a running service: GREENHOUR_API (default http://127.0.0.1:8787).
export default defineConfig({
  base: './',
  esbuild: { jsx: 'automatic' },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000, reportCompressedSize: false },
  server: { proxy: { '/v1': process.env.GREENHOUR_API ?? 'http://127.0.0.1:8787' } },
});
