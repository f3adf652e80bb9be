// Builds the operator console (console/) into dist/console, which the Nest app serves at `/`.
// The page loads one module script and one stylesheet from our origin: no inline script, so it runs under
// the console's strict Content-Security-Policy (src/common/http/security-headers.ts).
import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [preact({ prerender: { enabled: false } })],
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The polyfill would be an inline script; every browser we support has modulepreload.
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
});
