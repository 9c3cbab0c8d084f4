import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * The PWA: root `client/`, built to top-level `dist/` (the server serves it). The service
 * worker is our own TypeScript (`client/sw.ts`, injectManifest) because it drains the outbox
 * and shows notifications, not just caches. `registerType: 'prompt'`: a new version waits for
 * the guest's tap and never reloads under them.
 */
export default defineConfig({
  root: 'client',
  publicDir: 'public',
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
  },
  plugins: [
    react(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: '.',
      filename: 'sw.ts',
      registerType: 'prompt',
      // The CSP forbids inline scripts: the page registers the worker itself (workbox-window).
      injectRegister: false,
      includeAssets: ['favicon.svg', 'favicon-32.png', 'apple-touch-icon.png'],
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        // Every guest's worker precaches what is listed here, so the host dashboard is not: its
        // lazy chunk (`admin-app-*`, from client/admin/admin-app.tsx) is cached by the worker
        // when the host's own browser loads it (client/sw.ts), so /admin still opens offline there.
        globIgnores: ['**/assets/admin-*'],
        maximumFileSizeToCacheInBytes: 3 * 1024 * 1024,
      },
      manifest: {
        id: '/',
        name: 'barback — order at the bar',
        short_name: 'barback',
        description: 'Order drinks from your phone at the party; get told when they are ready.',
        start_url: '/menu',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        background_color: '#17131f',
        theme_color: '#17131f',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icon-maskable-192.png', sizes: '192x192', type: 'image/png', purpose: 'maskable' },
          { src: '/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      devOptions: { enabled: false },
    }),
  ],
});
