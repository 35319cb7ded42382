import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

// The console is served by the server itself at /app/ (src/endpoints/console/assets.ts), built into web/dist.
export default defineConfig({
  root: import.meta.dirname,
  base: '/app/',
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
});
