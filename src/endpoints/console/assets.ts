import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';
import type { Deps } from '../../envelope/dispatch.js';
import { WEB_DIST } from '../../paths.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8', '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8',
};

/** What every page of the console is sent with: nothing inline, nothing from elsewhere, no framing, no Referer. */
export const PAGE_HEADERS: Record<string, string> = {
  'Content-Security-Policy': [
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:", "connect-src 'self'",
    "media-src 'self'", "worker-src 'self'", "manifest-src 'self'", "font-src 'self'", "object-src 'none'",
    "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
  ].join('; '),
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy': 'camera=(self), microphone=(), geolocation=(), payment=(), usb=()',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

interface Asset {
  type: string;
  etag: string;
  immutable: boolean;
  plain: Buffer;
  gzip: Buffer | null;
  br: Buffer | null;
}

/** A built file's compressed form, made at build time beside it (web/vite.config.ts), or null. */
function beside(file: string, suffix: '.br' | '.gz'): Buffer | null {
  try {
    return fs.readFileSync(file + suffix);
  } catch {
    return null;
  }
}

/** The built files, read once at start with their compressed forms: a memo of files that do not change while the server runs. */
function load(root: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        walk(full);
        continue;
      }
      if (e.name.endsWith('.br') || e.name.endsWith('.gz')) continue;
      const plain = fs.readFileSync(full);
      assets.set('/' + path.relative(root, full).split(path.sep).join('/'), {
        type: TYPES[path.extname(e.name)] ?? 'application/octet-stream', plain,
        etag: `"${crypto.createHash('sha256').update(plain).digest('hex').slice(0, 20)}"`,
        // Vite names what it builds under assets/ by content hash: such a name never holds other bytes
        immutable: path.relative(root, full).startsWith('assets' + path.sep),
        gzip: beside(full, '.gz'),
        br: beside(full, '.br'),
      });
    }
  };
  walk(root);
  return assets;
}

/**
 * GET /app/…: the family's console (web/). Hashed assets are immutable; the page, the service worker
 * and the manifest revalidate by ETag. A path that is not a file gets the page (the console routes
 * on its own), so that a bookmark of any screen opens it.
 */
export function consoleAssetsRoute({ log }: Deps, root = WEB_DIST): RequestHandler {
  let assets: Map<string, Asset>;
  try {
    assets = load(root);
  } catch {
    assets = new Map();
  }
  if (!assets.has('/index.html')) log.warn('the console is not built: /app/ answers 503 (npm ci builds it; or npm run build:web)', { root });
  return (req, res) => {
    const sub = req.path.replace(/^(\/api)?\/app/i, '') || '/';
    if (sub === '/' && !req.path.endsWith('/')) return res.redirect(301, req.baseUrl + req.path + '/');
    const asset = assets.get(sub) ?? (sub.startsWith('/assets/') ? undefined : assets.get('/index.html'));
    if (!asset) {
      if (!assets.has('/index.html')) return void res.status(503).type('text/plain').send('The console is not built: run npm ci (or npm run build:web).\n');
      return void res.status(404).type('text/plain').send('Not found\n');
    }
    if (asset.type.startsWith('text/html')) for (const [k, v] of Object.entries(PAGE_HEADERS)) res.setHeader(k, v);
    res.setHeader('Content-Type', asset.type);
    res.setHeader('Cache-Control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    res.setHeader('ETag', asset.etag);
    res.setHeader('Vary', 'Accept-Encoding');
    if (req.headers['if-none-match'] === asset.etag) return void res.status(304).end();
    const accept = String(req.headers['accept-encoding'] ?? '');
    const [body, encoding] = asset.br && /\bbr\b/.test(accept) ? [asset.br, 'br'] : asset.gzip && /\bgzip\b/.test(accept) ? [asset.gzip, 'gzip'] : [asset.plain, null];
    if (encoding) res.setHeader('Content-Encoding', encoding);
    res.setHeader('Content-Length', body.length);
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
