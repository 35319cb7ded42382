/**
 * An open-loop load (S8): one request every 1/rate seconds whatever the server does, on a fixed set of
 * keep-alive connections, each timed from when it was due, not from when a connection was free to send
 * it. A server that stalls for 300 ms then shows 300 ms on every request due meanwhile, which a closed
 * loop (autocannon, wrk) hides by sending less while it waits (coordinated omission).
 *
 * Raw sockets and one request built once: the cheapest client Node has (about 100 µs of CPU a request,
 * test/bench/wrk.ts), on the load's core. Requests are sent on the first free connection; when none is
 * free they queue here, their clock running. Every reply is checked: HTTP 200 and envelope status 0.
 */
import net from 'node:net';

export interface OpenLoopOptions {
  url: string;
  /** The JSON body of every request (POST), or a function giving each request's (camera uploads: a photo of its own). */
  body: string | (() => Buffer);
  /** Requests per second. */
  rate: number;
  connections: number;
  /** Seconds. */
  duration: number;
}

export interface OpenLoopResult {
  /** Requests due (rate x duration) and answered well. */
  due: number;
  answered: number;
  /** Answered per second of the run. */
  rps: number;
  /** Refused, cut, unanswered 5 s after the last was due, not HTTP 200, or an envelope status other than 0. */
  errors: number;
  /** ms from due to answered. */
  p50: number;
  p99: number;
  p999: number;
  max: number;
  /** How many took over 50 ms, and over 200 ms. */
  over50: number;
  over200: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const OK = Buffer.from('"status":0,');

class Connection {
  socket: net.Socket;
  /** The request in flight (its index), or -1. */
  current = -1;
  private pending: Buffer = Buffer.alloc(0);
  /** Where the reply in `pending` ends, once its head is read; 0 before. */
  private end = 0;
  private bodyAt = 0;
  private status = 0;

  constructor(host: string, port: number, private readonly done: (c: Connection, ok: boolean) => void, private readonly lost: (c: Connection) => void) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.socket.on('data', (chunk) => this.read(chunk));
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => this.lost(this));
  }

  private read(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      if (!this.end) {
        const at = this.pending.indexOf(HEADER_END);
        if (at < 0) return;
        const head = this.pending.toString('latin1', 0, at).toLowerCase();
        this.status = Number(head.slice(9, 12));
        const m = /\r\ncontent-length: *(\d+)/.exec(head);
        // our replies always carry a length; one without is an error, and the connection is dropped
        if (!m) return void this.socket.destroy();
        this.bodyAt = at + 4;
        this.end = this.bodyAt + Number(m[1]);
      }
      if (this.pending.length < this.end) return;
      const body = this.pending.subarray(this.bodyAt, this.end);
      const ok = this.status === 200 && body.includes(OK);
      this.pending = this.pending.subarray(this.end);
      this.end = 0;
      this.done(this, ok);
    }
  }
}

export function openLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const url = new URL(o.url);
  const head = (length: number) => `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
  const body = o.body;
  const fixed = typeof body === 'string' ? Buffer.from(head(Buffer.byteLength(body)) + body) : null;
  const total = Math.round(o.rate * o.duration);
  const interval = 1000 / o.rate;
  const latency = new Float64Array(total).fill(-1);
  const idle: Connection[] = [];
  const queue: number[] = [];
  let queueHead = 0;
  let errors = 0;
  let settled = 0;
  let t0 = 0;
  let finish: () => void = () => undefined;

  const send = (c: Connection, index: number) => {
    c.current = index;
    if (fixed) return void c.socket.write(fixed);
    const bytes = (body as () => Buffer)();
    c.socket.cork();
    c.socket.write(head(bytes.length));
    c.socket.write(bytes);
    c.socket.uncork();
  };
  const settle = () => {
    if (++settled === total) finish();
  };
  const done = (c: Connection, ok: boolean) => {
    const index = c.current;
    c.current = -1;
    if (index >= 0) {
      if (ok) latency[index] = performance.now() - (t0 + index * interval);
      else errors++;
      settle();
    }
    if (queueHead < queue.length) send(c, queue[queueHead++]!);
    else idle.push(c);
  };
  const connections: Connection[] = [];
  const lost = (c: Connection) => {
    if (c.current >= 0) {
      errors++;
      c.current = -1;
      settle();
    }
    const i = idle.indexOf(c);
    if (i >= 0) idle.splice(i, 1);
    if (closing) return;
    // a connection the server closed is opened again, as a browser would
    const again = new Connection(url.hostname, Number(url.port), done, lost);
    connections[connections.indexOf(c)] = again;
    again.socket.once('connect', () => done(again, true));
  };
  let closing = false;

  return new Promise((resolve) => {
    let ready = 0;
    for (let i = 0; i < o.connections; i++) {
      const c = new Connection(url.hostname, Number(url.port), done, lost);
      connections.push(c);
      c.socket.once('connect', () => {
        idle.push(c);
        if (++ready === o.connections) start();
      });
    }
    let next = 0;
    const start = () => {
      t0 = performance.now();
      tick();
    };
    const tick = () => {
      const now = performance.now();
      while (next < total && t0 + next * interval <= now) {
        const c = idle.pop();
        if (c) send(c, next);
        else queue.push(next);
        next++;
      }
      if (next < total) setTimeout(tick, Math.max(0, t0 + next * interval - performance.now()));
      else setTimeout(() => finish(), 5000).unref();
    };
    finish = () => {
      if (closing) return;
      closing = true;
      // what was still queued or in flight was not answered in time
      errors += total - settled;
      for (const c of connections) c.socket.destroy();
      const answered = latency.filter((x) => x >= 0).sort();
      const at = (q: number) => (answered.length ? answered[Math.min(answered.length - 1, Math.ceil(q * answered.length) - 1)]! : NaN);
      const round = (x: number) => Math.round(x * 10) / 10;
      resolve({
        due: total, answered: answered.length, rps: answered.length / o.duration, errors,
        p50: round(at(0.5)), p99: round(at(0.99)), p999: round(at(0.999)), max: round(answered.at(-1) ?? NaN),
        over50: answered.filter((x) => x > 50).length, over200: answered.filter((x) => x > 200).length,
      });
    };
  });
}
