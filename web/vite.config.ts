import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The SPA is served by the Kizuna process itself (src/app/webApp.ts). For live reloading while
 * working on it, `npm run dev:web` serves the sources and passes API calls to `npm start` on :3000.
 */
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', sourcemap: true },
  server: { proxy: Object.fromEntries(['/v1', '/docs', '/openapi.json'].map((p) => [p, 'http://localhost:3000'])) },
});
