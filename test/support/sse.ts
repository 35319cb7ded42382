import http from 'node:http';

export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/** A minimal EventSource: collects events and comments from a text/event-stream response. */
export function openStream(url: string, headers: Record<string, string> = {}) {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  let waiters: (() => void)[] = [];
  let contentType = '';
  let buffer = '';
  const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } });
  const ready = new Promise<void>((resolve, reject) => {
    req.on('response', (res) => {
      contentType = String(res.headers['content-type']);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const ev: SseEvent = { data: '' };
          let isEvent = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('id: ')) ev.id = line.slice(4);
            else if (line.startsWith('event: ')) ev.event = line.slice(7);
            else if (line.startsWith('data: ')) (ev.data = line.slice(6)), (isEvent = true);
          }
          if (isEvent) events.push(ev);
        }
        const w = waiters;
        waiters = [];
        w.forEach((f) => f());
      });
      resolve();
    });
    req.on('error', reject);
  });
  const changed = () => new Promise<void>((resolve) => waiters.push(resolve));
  return {
    events,
    comments,
    ready,
    get contentType() {
      return contentType;
    },
    async waitFor(pred: () => boolean, ms = 3000): Promise<void> {
      const deadline = Date.now() + ms;
      while (!pred()) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out; events so far: ${JSON.stringify(events)}`);
        await Promise.race([changed(), new Promise((r) => setTimeout(r, Math.min(left, 100)))]);
      }
    },
    close: () => req.destroy(),
  };
}
