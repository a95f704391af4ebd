// The dashboard's bundle: served by the gateway under /dashboard/ (apps/gateway/src/dashboard-site.ts).
// Built by tools/build-dashboard.cjs (part of `npm run build`) into apps/dashboard/dist.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/dashboard/',
  plugins: [react()],
  logLevel: 'warn',
  clearScreen: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Every file under assets/ carries a content hash (the gateway caches them for a year).
    assetsDir: 'assets',
    // No inline data: URLs for assets either: everything is a same-origin file.
    assetsInlineLimit: 0,
    sourcemap: false,
    // Node 20 toolchain; the browsers the dashboard supports.
    target: 'es2022',
    modulePreload: { polyfill: false },
    // One bundle (React, React Aria, the router and the app: about 200 kB gzip), served compressed.
    chunkSizeWarningLimit: 800,
  },
});
