import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The web UI. Root is this folder whatever the working directory, so both
 * `npm run build:web` (repo root) and `vite --config web/vite.config.ts` work.
 * The platform serves web/dist with an SPA fallback (src/server/static-ui.ts).
 */
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    // `npx vite --config web/vite.config.ts` next to `kubeloop up` on its default port.
    proxy: { '/api': 'http://127.0.0.1:7420' },
  },
});
