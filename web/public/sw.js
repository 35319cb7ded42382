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

/** waitUntil, which only a browser-made event accepts (a test may dispatch one itself). */
function keep(event, work) {
  try {
    event.waitUntil(work);
  } catch {
    // the work runs all the same
  }
  return work;
}

const zh = () => (self.navigator.language || '').toLowerCase().startsWith('zh');

/** A fall, pushed by the server (src/services/alerts/push.ts): the camera, the time, the photo, Acknowledge and Open. */
self.addEventListener('push', (event) => {
  let data = null;
  try {
    data = event.data ? event.data.json() : null;
  } catch {
    data = null;
  }
  // a drill: shown as a test, and its proof sent back, so that the family's table says this phone is reachable
  if (data && data.type === 'drill') {
    keep(event, Promise.all([
      self.registration.showNotification(zh() ? `测试：${data.device} 的跌倒提醒` : `Test: fall alerts for ${data.device}`, {
        body: zh() ? '这只是测试，不用做什么。收到了就说明提醒能送到这台手机。' : 'Only a test, nothing to do. Getting it means alerts reach this phone.',
        icon: '/app/icon-192.png', badge: '/app/icon-192.png', tag: `drill-${data.proof}`,
      }),
      fetch('/app/drill', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ proof: data.proof }) }).catch(() => undefined),
    ]));
    return;
  }
  if (!data || data.type !== 'fall') return;
  const ticket = new URLSearchParams({ user: String(data.ack.user), exp: String(data.ack.exp), sig: data.ack.sig });
  keep(event, self.registration.showNotification(zh() ? `检测到跌倒：${data.device}` : `Fall detected: ${data.device}`, {
    body: zh() ? `${data.createtime}。请立即查看家人情况。` : `${data.createtime}. Check on them now.`,
    icon: '/app/icon-192.png',
    badge: '/app/icon-192.png',
    image: `/app/photo/${encodeURIComponent(data.event_id)}?size=list&${ticket}`,
    tag: data.event_id,
    renotify: true,
    requireInteraction: true,
    vibrate: [400, 150, 400, 150, 400],
    data,
    actions: [
      { action: 'ack', title: zh() ? '我已知晓' : 'Acknowledge' },
      { action: 'open', title: zh() ? '打开' : 'Open' },
    ],
  }));
});

self.addEventListener('notificationclick', (event) => {
  const notification = event.notification;
  const data = notification.data || {};
  notification.close();
  if (event.action === 'ack') {
    keep(event, fetch('/app/ack', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(data.ack) })
      .then((res) => res.json())
      .then((reply) => {
        if (reply.status !== 0) throw new Error(reply.message);
      })
      .catch(() => self.registration.showNotification(zh() ? '没能确认，请打开应用' : 'Could not acknowledge: open the app', { tag: `${data.event_id}-ack`, data })));
    return;
  }
  const url = `/app/#/alert/${encodeURIComponent(data.event_id || '')}`;
  keep(event, self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
    for (const w of windows) {
      if (new URL(w.url).pathname.startsWith('/app/') && 'focus' in w) return w.navigate(url).then((c) => (c || w).focus());
    }
    return self.clients.openWindow(url);
  }));
});
