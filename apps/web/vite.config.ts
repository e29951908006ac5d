/**
 * Vite build of the browser app. `electra-source` makes `@electra/core` resolve to its TypeScript
 * sources, so the booth, the verifier page, the server and the CLI all run the very same crypto code
 * (ARCHITECTURE §9.1). Workers are ES modules; assets get content hashes so the server can cache them
 * as immutable (apps/server/src/http/web.routes.ts).
 */
import { defineConfig } from 'vite';

export default defineConfig({
  resolve: { conditions: ['electra-source', 'module', 'browser', 'development|production'] },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
