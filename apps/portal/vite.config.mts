import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The patient portal, served by the gateway under /portal from dist/portal: everything bundled
 * (no CDN), hashed file names under assets/ (cached for a year), no inline script or style (the
 * gateway's Content-Security-Policy allows none).
 */
export default defineConfig({
  root,
  base: '/portal/',
  publicDir: 'public',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/portal', import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
