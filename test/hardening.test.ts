import net from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../src/clock.js';
import { createLogger } from '../src/log.js';
import { NoticeHub, type StreamEvent } from '../src/services/alerts/hub.js';
import { md5Hex } from '../src/services/shared/random.js';
import { Throttle } from '../src/services/shared/throttle.js';
import { fails, jpeg, newPhone, passes, startTestServer, type TestServer } from './helpers.js';

/** A logger that keeps its lines, to check what (and at what level) the server logged. */
function capturingLog(level: 'debug' | 'info' = 'debug') {
  const lines: Record<string, unknown>[] = [];
  return { lines, log: createLogger(level, (line) => lines.push(JSON.parse(line))) };
}

let addressCounter = 0;
/** A fresh client address each call, as a guesser spread over IPv6 space would have. */
const freshAddress = () => `2001:db8::${(++addressCounter).toString(16)}`;

// ---------------------------------------------------------------------------------------------
const guessing = suite('sms.validate and img.validate: guessing from many addresses is bounded');
let t: TestServer;
guessing.before(async () => {
  t = await startTestServer({ TRUST_PROXY: 'true', GUESSES_GLOBAL_PER_MINUTE: '60' });
});
guessing.after(() => t.close());

const validate = (kind: 'sms' | 'img', data: Record<string, unknown>, ip = freshAddress()) =>
  t.raw('/captcha', JSON.stringify({ id: 1, type: kind, subtype: 'validate', data }), { 'x-forwarded-for': ip }).then((r) => r.json);

guessing('wrong sms.validate hashes from 300 addresses exhaust the service-wide allowance; then even the right hash is refused', async () => {
  const victim = newPhone();
  await t.signUp(victim);
  t.clock.advance(60);
  const right = await t.requestCode(victim, 2); // the attacker asked for it: password.forget's code, rand in hand
  let evaluated = 0;
  for (let i = 0; i < 300; i++) {
    const res = await validate('sms', { hash: md5Hex(`guess-${i}`) });
    assert.is(res.status, 100);
    if (res.data.retry_after === undefined) evaluated++;
  }
  assert.is(evaluated, 60, 'exactly the allowance was checked');
  const refused = await validate('sms', { hash: right });
  assert.is(refused.status, 100);
  assert.type(refused.data.retry_after, 'number');
  // the family's own app, naming the phone, is not locked out by the flood
  passes(await validate('sms', { hash: right, phone: victim }));
  t.clock.advance(61);
  passes(await validate('sms', { hash: right }), 'the allowance comes back after its minute');
});

guessing('over a code\'s whole life, guesses without phone never exceed the stated bound', async () => {
  const victim = newPhone();
  t.clock.advance(120);
  await t.requestCode(victim, 2);
  const lifeSeconds = t.config.codeTtlSeconds;
  let evaluated = 0;
  for (let s = 0; s < lifeSeconds; s += 2) {
    for (let i = 0; i < 5; i++) {
      const res = await validate('sms', { hash: md5Hex(`life-${s}-${i}`) });
      if (res.data.retry_after === undefined) evaluated++;
    }
    t.clock.advance(2);
  }
  const bound = (Math.ceil(lifeSeconds / 60) + 1) * t.config.guessesGlobalPerMinute;
  assert.ok(evaluated <= bound, `${evaluated} guesses checked, bound ${bound}`);
  assert.ok(evaluated >= t.config.guessesGlobalPerMinute, 'the allowance is used, not zero');
  t.clock.advance(61);
});

guessing('sms.validate with phone: five wrong tries from five addresses burn that phone\'s codes', async () => {
  const victim = newPhone();
  await t.signUp(victim);
  t.clock.advance(60);
  const right = await t.requestCode(victim, 2);
  for (let i = 0; i < 5; i++) assert.is((await validate('sms', { hash: md5Hex(`p-${i}`), phone: victim })).status, 100);
  fails(await validate('sms', { hash: right, phone: victim }), 'HASH_EXPIRED', 'the code is burned');
  const forget = await t.call('password.forget', { phone: victim, hash: right, pass: 'taken-over-1' });
  fails(forget, 'HASH_EXPIRED', 'password.forget no longer takes it');
  fails(await validate('sms', { hash: right, phone: 'abc' }), 'VALUE', 'phone must be a mainland mobile number');
});

guessing('img.validate: wrong hashes from many addresses are limited service-wide too', async () => {
  t.clock.advance(61);
  let evaluated = 0;
  for (let i = 0; i < 100; i++) {
    const res = await validate('img', { hash: md5Hex(`img-${i}`) });
    if (res.data.retry_after === undefined) evaluated++;
  }
  assert.is(evaluated, 60);
  t.clock.advance(61);
});

guessing.run();

// ---------------------------------------------------------------------------------------------
const throttle = suite('Throttle when full: fails closed');

throttle('a flood of fresh keys neither resets a counted key nor lets new keys through until windows expire', () => {
  const clock = new ManualClock(1_000_000);
  const th = new Throttle(clock, 2, 60, 3);
  th.hit('victim');
  th.hit('victim');
  assert.ok(th.blockedFor('victim') > 0);
  for (let i = 0; i < 50; i++) {
    if (th.blockedFor(`fresh-${i}`) === 0) th.hit(`fresh-${i}`);
  }
  assert.is(th.size, 3, 'never holds more than its capacity');
  assert.ok(th.blockedFor('victim') > 0, 'the counted key is still limited');
  assert.ok(th.blockedFor('fresh-49') > 0, 'a key it has no room for is refused, not waved through');
  clock.advance(61);
  assert.is(th.blockedFor('victim'), 0);
  assert.is(th.blockedFor('fresh-49'), 0, 'room again once the windows expire');
  th.hit('late');
  assert.is(th.size, 1);
});

throttle('the oldest windows expire first, each key restarting its own', () => {
  const clock = new ManualClock(0);
  const th = new Throttle(clock, 1, 10, 2);
  th.hit('a');
  clock.advance(5);
  th.hit('b');
  clock.advance(6); // a's window is over, b's is not
  assert.is(th.blockedFor('c'), 0, 'a expired: there is room');
  th.hit('c');
  assert.ok(th.blockedFor('b') > 0);
  assert.ok(th.blockedFor('c') > 0);
  assert.ok(th.blockedFor('d') > 0, 'full again: d waits');
});

throttle.run();

// ---------------------------------------------------------------------------------------------
const slow = suite('slow clients: request, header and keep-alive timeouts hold');
let s: TestServer;
slow.before(async () => {
  s = await startTestServer({ REQUEST_TIMEOUT_SECONDS: '2' });
});
slow.after(() => s.close());

/** Opens a raw connection; resolves with the seconds until the server closed it (and what it answered). */
function connection(port: number, drive: (socket: net.Socket) => void) {
  return new Promise<{ seconds: number; reply: string }>((resolve, reject) => {
    const started = Date.now();
    let reply = '';
    const socket = net.connect(port, '127.0.0.1', () => drive(socket));
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => (reply += c));
    socket.on('error', () => {});
    socket.on('close', () => resolve({ seconds: (Date.now() - started) / 1000, reply }));
    setTimeout(() => {
      socket.destroy();
      reject(new Error('the server kept the connection for 20 s'));
    }, 20_000).unref();
  });
}

function trickle(socket: net.Socket, text: string, everyMs: number) {
  let at = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || at >= text.length) return clearInterval(timer);
    socket.write(text[at++]!);
  }, everyMs);
  socket.on('close', () => clearInterval(timer));
}

slow('trickled headers, a trickled body, a silent connection and an idle keep-alive are each closed on time', async () => {
  const headers = `POST /captcha HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Padding: ${'p'.repeat(200)}\r\n\r\n`;
  const body = JSON.stringify({ id: 1, type: 'img', subtype: 'generate', data: {} });
  const [trickledHeaders, trickledBody, silent, idle] = await Promise.all([
    connection(s.port, (c) => trickle(c, headers, 100)),
    connection(s.port, (c) => {
      c.write(`POST /captcha HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length + 500}\r\n\r\n`);
      trickle(c, body + ' '.repeat(500), 100);
    }),
    connection(s.port, () => {}),
    connection(s.port, (c) => c.write(`GET /ping HTTP/1.1\r\nHost: x\r\n\r\n`)),
  ]);
  for (const [name, r] of Object.entries({ trickledHeaders, trickledBody, silent })) {
    assert.ok(r.seconds >= 1.9 && r.seconds < 3.5, `${name}: closed after ${r.seconds} s, REQUEST_TIMEOUT_SECONDS=2`);
  }
  assert.match(idle.reply, /"pong":true/);
  assert.ok(idle.seconds >= 4.5 && idle.seconds < 7, `idle keep-alive closed after ${idle.seconds} s (keep-alive timeout 5 s)`);
});

slow.run();

// ---------------------------------------------------------------------------------------------
const early = suite('early replies reach a client that sends its whole body before reading');
let e: TestServer;
let camera: string;
let grantForm: { upload_url: string; form_data: Record<string, string> };
early.before(async () => {
  e = await startTestServer({ UPLOAD_BODY_LIMIT_BYTES: String(32 * 1024 * 1024) });
  const phone = newPhone();
  const admin = await e.signUp(phone);
  await e.makeAdmin(phone);
  camera = await e.addDevice(admin);
  const params = await e.call('file.params', { module: 'upgrade', filename: 'x.bin', size: 1000 }, { token: admin });
  grantForm = params.data;
  await e.call('session.list', {}, { token: admin });
});
early.after(() => e.close());

/** Python's http.client: writes the request whole (blocking), then reads the reply. */
function sendThenRead(port: number, head: string, body: Buffer) {
  return new Promise<{ reply: string; error?: string }>((resolve) => {
    let reply = '';
    let error: string | undefined;
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.pause();
      socket.write(head);
      socket.write(body, () => socket.resume());
    });
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => (reply += c));
    socket.on('error', (err: NodeJS.ErrnoException) => (error = err.code));
    socket.on('close', () => resolve({ reply, error }));
  });
}

early('bad or missing tokens (-104, -101, -100) and a refused grant with 20 MB bodies: every one of 12 tries gets its envelope', async () => {
  const big = Buffer.alloc(20 * 1024 * 1024, 0x41);
  const boundary = 'b0undary';
  const multipart = Buffer.concat([
    Buffer.from(Object.entries({ ...grantForm.form_data, signature: 'f'.repeat(64) })
      .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('')
      + `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.bin"\r\n\r\n`),
    big, Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const cases = [
    { path: '/notice?token=not-a-camera', type: 'application/json', body: big, status: -104 },
    { path: '/device?token=not-a-token', type: 'application/json', body: big, status: -101 },
    { path: '/user/session', type: 'application/json', body: big, status: -100 },
    { path: '/api/file/upload', type: `multipart/form-data; boundary=${boundary}`, body: multipart, status: 100 },
  ];
  for (let round = 0; round < 3; round++) {
    const results = await Promise.all(cases.map((c) => sendThenRead(e.port,
      `POST ${c.path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: ${c.type}\r\nContent-Length: ${c.body.length}\r\n\r\n`, c.body)));
    results.forEach((r, i) => {
      assert.is(r.error, undefined, `${cases[i]!.path}: ${r.error}`);
      assert.match(r.reply, new RegExp(`"status":${cases[i]!.status},`), `${cases[i]!.path}: ${r.reply.slice(-200)}`);
    });
  }
  // and a camera with a valid token still posts
  passes(await e.upload(camera, await jpeg(20)));
});

early('a small body with a bad token keeps its keep-alive connection', async () => {
  const res = await fetch(`${e.url}/device?token=nope`, { method: 'POST', body: JSON.stringify({ id: 3, type: 'device', subtype: 'list', data: {} }) });
  assert.is(res.headers.get('connection'), 'keep-alive');
  assert.equal(await res.json(), { id: -1, status: -101, message: 'Error token', data: {} });
});

early.run();

// ---------------------------------------------------------------------------------------------
const urls = suite('undecodable paths are answered, not logged as errors');

urls('/get/portrait/%ff gets the "error" image; /file/% and /notice/%zz get -404; nothing at error level, no stack', async () => {
  const { lines, log } = capturingLog();
  const u = await startTestServer({}, { log });
  try {
    const expected = Buffer.from(await (await fetch(`${u.url}/get/portrait/not-a-number`)).arrayBuffer());
    for (const p of ['/get/portrait/%ff', '/api/get/portrait/%E0%A4%A']) {
      const res = await fetch(u.url + p);
      assert.is(res.status, 200, p);
      assert.ok(Buffer.from(await res.arrayBuffer()).equals(expected), `${p} is the error image`);
    }
    for (const p of ['/file/%', '/notice/%zz', '/dist/%c0']) {
      const res = await fetch(u.url + p);
      assert.is(res.status, 404, p);
      assert.equal(await res.json(), { id: -1, status: -404, message: 'Unknown Error', data: {} });
    }
    assert.equal(lines.filter((l) => l.level === 'error' || JSON.stringify(l).includes('URIError')), []);
    assert.ok(lines.some((l) => l.level === 'debug' && l.msg === 'undecodable path'));
  } finally {
    await u.close();
  }
});

urls.run();

// ---------------------------------------------------------------------------------------------
const proxy = suite('TRUST_PROXY=true');

proxy('logs a warning at start; a hop count does not', async () => {
  for (const [value, warned] of [['true', true], ['1', false]] as const) {
    const { lines, log } = capturingLog('info');
    const p = await startTestServer({ TRUST_PROXY: value }, { log });
    await p.close();
    assert.is(lines.some((l) => l.level === 'warn' && String(l.msg).startsWith('TRUST_PROXY=true')), warned, value);
  }
});

proxy.run();

// ---------------------------------------------------------------------------------------------
const hub = suite('NoticeHub.subscribe: unsubscribe is idempotent');

hub('an old closure called twice leaves a newer stream of the same account alone', async () => {
  const h = new NoticeHub();
  const got: number[] = [];
  const listener = (tag: number) => ({ send: (ev: StreamEvent) => got.push(tag * 1000 + (ev.type === 'notice' ? ev.seq : 0)), close: () => {} });
  const first = h.subscribe(7, listener(1));
  first();
  const second = h.subscribe(7, listener(2));
  first();
  assert.is(h.streams(7), 1);
  h.publish([7], { type: 'notice', seq: 5, data: {} } as StreamEvent);
  assert.equal(got, [], 'written on the next turn of the event loop');
  await new Promise((r) => setImmediate(r));
  assert.equal(got, [2005]);
  second();
  second();
  assert.is(h.streams(7), 0);
});

hub.run();

// ---------------------------------------------------------------------------------------------
const vary = suite('Vary with CORS_ORIGINS set');

vary('portraits vary on Origin and Referer; envelopes and /ping on Origin', async () => {
  const v = await startTestServer({ CORS_ORIGINS: 'https://app.example' });
  try {
    for (const origin of ['https://app.example', 'https://other.example', undefined]) {
      const headers: Record<string, string> = origin ? { origin } : {};
      const portrait = await fetch(`${v.url}/get/portrait/13800000000`, { headers });
      assert.is(portrait.headers.get('vary'), 'Origin, Referer', String(origin));
      assert.is(portrait.headers.get('access-control-allow-origin'), origin === 'https://app.example' ? origin : null);
      const ping = await fetch(`${v.url}/ping`, { headers });
      assert.is(ping.headers.get('vary'), 'Origin');
    }
    const post = await fetch(`${v.url}/captcha`, { method: 'POST', headers: { origin: 'https://app.example' }, body: '{}' });
    assert.is(post.headers.get('vary'), 'Origin');
  } finally {
    await v.close();
  }
});

vary.run();
