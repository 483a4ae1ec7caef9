import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// The portal: built into dist/web, which the gateway serves at `/` (src/portal/).
// `npx vite --config web/vite.config.ts` serves it with hot reload against a gateway on :3000.
export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    // One small inline-free bundle: no module preload polyfill injected as inline code.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    proxy: {
      '/graphql': { target: 'http://localhost:3000', ws: true, changeOrigin: false },
      '/auth': 'http://localhost:3000',
      '/demo-idp': 'http://localhost:3000',
    },
  },
});
