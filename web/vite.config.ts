import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import preact from '@preact/preset-vite';

/**
 * Brotli and gzip forms of every compressible built file, written beside it (name.br, name.gz) at build
 * time, so that the server only reads them at start (compressing them there took half a second).
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'helpaged-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
      for (const file of walk(outDir)) {
        if (!/\.(html|js|css|json|webmanifest|svg|txt)$/.test(file)) continue;
        const plain = fs.readFileSync(file);
        if (plain.length <= 512) continue;
        fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(plain, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }));
        fs.writeFileSync(`${file}.gz`, zlib.gzipSync(plain, { level: 9 }));
      }
    },
  };
}

// The console is served by the server itself at /app/ (src/endpoints/console/assets.ts), built into web/dist.
export default defineConfig({
  root: import.meta.dirname,
  base: '/app/',
  plugins: [preact(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
});
