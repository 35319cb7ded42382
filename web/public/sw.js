/* The console's service worker: the shell works offline (the page, its hashed assets, icons, and the
 * photos already seen), and Web Push shows a fall when no page is open. Sessions and API calls are
 * never cached. */
const SHELL = 'helpaged-shell-v1';
const PHOTOS = 'helpaged-photos';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

async function networkFirst(request, key) {
  const cache = await caches.open(SHELL);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(key ?? request, response.clone());
    return response;
  } catch (err) {
    const cached = await cache.match(key ?? request);
    if (cached) return cached;
    throw err;
  }
}

async function cacheFirst(request, name) {
  const cache = await caches.open(name);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !url.pathname.startsWith('/app/')) return;
  if (url.pathname === '/app/session' || url.pathname === '/app/signout') return;
  if (request.mode === 'navigate') return event.respondWith(networkFirst(request, '/app/'));
  if (url.pathname.startsWith('/app/assets/')) return event.respondWith(cacheFirst(request, SHELL));
  if (url.pathname.startsWith('/app/photo/')) return event.respondWith(cacheFirst(request, PHOTOS));
  event.respondWith(networkFirst(request));
});
