import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import Components from 'unplugin-vue-components/vite';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The web console, served by Mulin itself at /console (server/http/console.ts). Element Plus components are imported
 * on demand by the resolver (with their CSS), so a page carries only what it uses; routes are split by import().
 * No inline script is emitted, so a Content-Security-Policy of script-src 'self' holds.
 */
export default defineConfig({
  root,
  base: '/console/',
  plugins: [
    vue(),
    Components({
      dirs: [],
      dts: fileURLToPath(new URL('./src/components.d.ts', import.meta.url)),
      resolvers: [ElementPlusResolver({ importStyle: 'css' })],
    }),
  ],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 600,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
