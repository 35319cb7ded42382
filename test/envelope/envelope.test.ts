import http from 'node:http';
import net from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { envelopeId } from '../../src/envelope/id.js';
import { ENDPOINTS } from '../../src/endpoints/index.js';
import { REFUSED_BODY_GRACE_MS } from '../../src/envelope/reply.js';
import { GLOBAL } from '../../src/status.js';
import { fails, passes, startTestServer, type TestServer } from '../helpers.js';

const idRule = suite('envelope id rule');

idRule('an integer is echoed, a digit string becomes that integer, anything else -1', () => {
  assert.is(envelopeId(42), 42);
  assert.is(envelopeId(0), 0);
  assert.is(envelopeId(-7), -7);
  assert.is(envelopeId('123'), 123);
  assert.is(envelopeId('007'), 7);
  for (const bad of ['12a', '', ' 1', '-1', '1.5', 1.5, null, undefined, true, [], {}, 'x', Number.MAX_VALUE, '9'.repeat(30)]) {
    assert.is(envelopeId(bad), -1, `id ${JSON.stringify(bad)}`);
  }
});

idRule.run();

const wire = suite('envelope over HTTP');
let t: TestServer;
wire.before(async () => {
  t = await startTestServer({ BODY_LIMIT_BYTES: '4096' });
});
wire.after(() => t.close());

const img = (id: unknown) => JSON.stringify({ id, type: 'img', subtype: 'generate', data: {} });

wire('when the id is a digit string, then the reply carries it as an integer', async () => {
  const { json } = await t.raw('/captcha', img('77'));
  assert.is(json.id, 77);
  passes(json);
  assert.is((await t.raw('/captcha', img('abc'))).json.id, -1);
  assert.is((await t.raw('/captcha', JSON.stringify({ type: 'img', subtype: 'generate', data: {} }))).json.id, -1);
});

wire('when the reply is sent, then its keys come in the order id, status, message, data, as JSON with HTTP 200', async () => {
  const res = await fetch(`${t.url}/captcha`, { method: 'POST', body: img(5) });
  assert.is(res.status, 200);
  assert.is(res.headers.get('content-type'), 'application/json; charset=utf-8');
  const text = await res.text();
  assert.equal(Object.keys(JSON.parse(text)), ['id', 'status', 'message', 'data']);
});

wire('every endpoint answers at /api/<path> and /<path>', async () => {
  for (const prefix of ['', '/api']) {
    const res = await t.callAt(`${prefix}/user/login`, 'login', 'pass', { phone: '13800000000', pass: 'x' });
    assert.is(res.status, 100, prefix);
  }
});

wire('the body is read as JSON whatever the content type says', async () => {
  for (const ct of ['text/plain', 'application/x-www-form-urlencoded', '']) {
    const { json } = await t.raw('/captcha', img(3), ct ? { 'content-type': ct } : {});
    passes(json, ct);
  }
});

wire('malformed JSON and non-object bodies are -1 Error JSON key with id -1', async () => {
  for (const body of ['{', 'nope', '[1,2]', '"str"', '12', 'null', '']) {
    const { http: code, json } = await t.raw('/user/login', body);
    assert.is(code, 200);
    assert.equal(json, { id: -1, status: -1, message: 'Error JSON key', data: {} }, body);
  }
});

wire('a missing type, subtype or data is -1; a non-object data is -1', async () => {
  for (const env of [
    { id: 9, subtype: 'pass', data: {} }, { id: 9, type: 'login', data: {} }, { id: 9, type: 'login', subtype: 'pass' },
    { id: 9, type: 'login', subtype: 'pass', data: 'x' }, { id: 9, type: 'login', subtype: 'pass', data: [] },
  ]) {
    const { json } = await t.raw('/user/login', JSON.stringify(env));
    assert.equal(json, { id: 9, status: -1, message: 'Error JSON key', data: {} }, JSON.stringify(env));
  }
});

wire('an unknown or non-string type or subtype is -2 Error JSON value', async () => {
  for (const [type, subtype] of [['login', 'nope'], ['nope', 'pass'], [1, 'pass'], ['login', null], ['img', 'generate']]) {
    const { json } = await t.raw('/user/login', JSON.stringify({ id: 4, type, subtype, data: {} }));
    assert.equal(json, { id: 4, status: -2, message: 'Error JSON value', data: {} }, `${type}.${subtype}`);
  }
});

wire('unknown extra keys in data are ignored', async () => {
  const res = await t.call('img.generate', { device: 'camera1', extra: [1, 2] });
  passes(res);
});

wire('an unknown path is a 404 envelope, a wrong method 405 with Allow', async () => {
  const res = await fetch(`${t.url}/no/such/path`, { method: 'POST', body: '{}' });
  assert.is(res.status, 404);
  fails(await res.json(), 'UNKNOWN');
  const get = await fetch(`${t.url}/user/login`);
  assert.is(get.status, 405);
  assert.is(get.headers.get('allow'), 'POST');
  fails(await get.json(), 'JSON_VALUE');
});

wire('a declared body over the limit is refused with 413 before it is read', async () => {
  const reply = await new Promise<{ code: number; body: string }>((resolve, reject) => {
    const req = http.request(`${t.url}/user/login`, { method: 'POST', headers: { 'content-length': String(10 * 1024 * 1024) } });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ code: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.write('{"id":1,');
    // the rest never comes: the server must answer without waiting for 10 MB
  });
  assert.is(reply.code, 413);
  assert.equal(JSON.parse(reply.body), { id: -1, status: -204, message: "Arg's value error", data: { max_bytes: 4096 } });
});

wire('a chunked body that passes the limit is refused with 413', async () => {
  const big = JSON.stringify({ id: 1, type: 'login', subtype: 'pass', data: { phone: 'x'.repeat(10_000), pass: 'y' } });
  const reply = await new Promise<{ code: number; body: string }>((resolve, reject) => {
    const req = http.request(`${t.url}/user/login`, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ code: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end(big);
  });
  assert.is(reply.code, 413);
  fails(JSON.parse(reply.body), 'VALUE');
});

/**
 * Sends a declared body of `size` bytes over a raw socket and collects the reply. `readWhileSending`:
 * as browsers, fetch and curl do; otherwise as Python's http.client, which sends everything first.
 */
function rawUpload(url: string, size: number, readWhileSending: boolean): Promise<{ code: number; json: any; ms: number; sent: number }> {
  const { hostname, port } = new URL(url);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let reply = '';
    let sent = 0;
    const done = () => {
      const [head, body] = reply.split('\r\n\r\n');
      resolve({ code: Number(head!.split(' ')[1]), json: JSON.parse(body!), ms: performance.now() - started, sent });
      socket.destroy();
    };
    socket.on('error', reject);
    socket.on('data', (c) => {
      reply += c;
      const length = /content-length: (\d+)/i.exec(reply);
      if (length && reply.length >= reply.indexOf('\r\n\r\n') + 4 + Number(length[1])) done();
    });
    if (!readWhileSending) socket.pause();
    socket.write(`POST /user/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      while (sent < size) {
        sent += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
      socket.resume();
    };
    pump();
  });
}

wire('a refused body is not read: a client reading as it sends has its 413 at once, one reading only afterwards still gets it', async () => {
  const size = 64 * 1024 * 1024;
  const eager = await rawUpload(t.url, size, true);
  assert.is(eager.code, 413);
  assert.is(eager.json.status, -204);
  assert.ok(eager.ms < REFUSED_BODY_GRACE_MS, `answered in ${eager.ms.toFixed(0)} ms`);
  assert.ok(eager.sent < size, `answered before the body was sent (${eager.sent} of ${size} bytes)`);
  const patient = await rawUpload(t.url, size, false);
  assert.is(patient.code, 413);
  assert.is(patient.json.status, -204);
  assert.is(patient.sent, size);
  assert.ok(patient.ms >= REFUSED_BODY_GRACE_MS, `drained after the grace period (${patient.ms.toFixed(0)} ms)`);
});

/** A raw request with a body on a new connection; resolves with the envelope status. `halfClose`: shut the sending side after it. */
function rawCall(url: string, body: string, halfClose = false): Promise<number | 'no reply'> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let reply = '';
    socket.on('error', reject);
    socket.on('data', (c) => (reply += c));
    socket.on('end', () => resolve(reply ? JSON.parse(reply.split('\r\n\r\n')[1]!).status : 'no reply'));
    socket[halfClose ? 'end' : 'write'](`POST /captcha HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  });
}

wire('a refused body is dropped by the parser, not copied into JS; the pooled parser gets its body callback back', async () => {
  type Parser = Record<number, unknown> & { constructor: { kOnBody: number } };
  const seen: { socket: net.Socket; parser: Parser; onBody: unknown }[] = [];
  const onConnection = (socket: net.Socket) => {
    const parser = (socket as unknown as { parser: Parser }).parser;
    seen.push({ socket, parser, onBody: parser[parser.constructor.kOnBody] });
  };
  t.server.on('connection', onConnection);
  try {
    for (const readWhileSending of [false, true]) {
      seen.length = 0;
      const size = 16 * 1024 * 1024;
      const upload = rawUpload(t.url, size, readWhileSending);
      while (seen.length === 0) await new Promise((r) => setTimeout(r, 5));
      const [{ socket, parser, onBody }] = seen as [(typeof seen)[number]];
      const kOnBody = parser.constructor.kOnBody;
      assert.type(onBody, 'function');
      while (parser[kOnBody] === onBody) await new Promise((r) => setTimeout(r, 5));
      assert.is(parser[kOnBody], undefined, 'the body callback is off while the body is refused');
      assert.is((await upload).code, 413);
      if (!socket.destroyed) await new Promise((r) => socket.once('close', r));
      assert.is(parser[kOnBody], onBody, 'and back once the connection is gone');
      if (!readWhileSending) assert.ok(socket.bytesRead > size, `the patient sender's body was read to its end (${socket.bytesRead} bytes)`);
      // The next connection is handed the same parser from Node's pool: its body must still arrive.
      seen.length = 0;
      assert.is(await rawCall(t.url, img(7)), 0);
      assert.is(seen[0]?.parser, parser, 'the next connection reused the parser');
    }
  } finally {
    t.server.off('connection', onConnection);
  }
});

wire('a client that shuts its sending side after the request (as nc and some embedded stacks do) still gets the reply', async () => {
  assert.is(await rawCall(t.url, img(8), true), 0);
});

wire('the server answers after refusing big bodies', async () => {
  passes(await t.call('img.generate', {}));
});

wire.run();

const cors = suite('CORS');
cors('off by default; with CORS_ORIGINS only the listed origins get CORS headers and preflights', async () => {
  const off = await fetch(`${t.url}/captcha`, { method: 'OPTIONS', headers: { Origin: 'https://app.helpaged.cn' } });
  assert.is(off.headers.get('access-control-allow-origin'), null);
  const c = await startTestServer({ CORS_ORIGINS: 'https://app.helpaged.cn' });
  const pre = await fetch(`${c.url}/api/user/login`, { method: 'OPTIONS', headers: { Origin: 'https://app.helpaged.cn', 'Access-Control-Request-Method': 'POST' } });
  assert.is(pre.status, 204);
  assert.is(pre.headers.get('access-control-allow-origin'), 'https://app.helpaged.cn');
  const allowed = await fetch(`${c.url}/captcha`, { method: 'POST', body: img(1), headers: { Origin: 'https://app.helpaged.cn' } });
  assert.is(allowed.headers.get('access-control-allow-origin'), 'https://app.helpaged.cn', 'an envelope POST from a listed origin');
  passes(await allowed.json());
  const other = await fetch(`${c.url}/captcha`, { method: 'POST', body: img(1), headers: { Origin: 'https://evil.example' } });
  assert.is(other.headers.get('access-control-allow-origin'), null);
  passes(await other.json());
  await c.close();
});
cors.before(async () => {
  t = await startTestServer();
});
cors.after(() => t.close());
cors.run();

const tables = suite('status tables');

tables('the global table holds the seed numbers and messages exactly', () => {
  assert.equal(Object.values(GLOBAL).map(([n, m]) => `${n} ${m}`), [
    '0 successful', '-1 Error JSON key', '-2 Error JSON value', '-3 Error data key', '-4 Error Hash',
    '-100 Missing necessary args', '-101 Error token', '-102 Get userid failed for the token',
    '-103 No permission to operate', '-104 Error device_id token', '-200 Failure to operate database',
    "-201 Necessary key-value can't be empty", '-202 Missing necessary data key-value', "-203 Arg's value type error",
    "-204 Arg's value error", '-404 Unknown Error', '-500 COS upload Error',
  ]);
});

tables('snapshot of every local table: renumbering shows up here', () => {
  const snapshot = Object.fromEntries(ENDPOINTS.map((e) => [e.path, Object.values(e.local).map(([n, m]) => `${n} ${m}`)]));
  assert.equal(snapshot, {
    '/captcha': ['100 Error captcha hash', '101 Too many captchas pending', '1016 手机号格式错误',
      '1023 单个手机号30秒内下发短信条数超过设定的上限', '1024 单个手机号1小时内下发短信条数超过设定的上限',
      '1025 单个手机号日下发短信条数超过设定的上限'],
    '/user/login': ['100 Incorrect user', '101 Error password', '102 Too many failed attempts', '400 Error hash',
      '441 New device: log in with an SMS code (login.sms) to trust it',
      '450 WeChat account not linked: register or bind with wechat_ticket', '451 Invalid WeChat code',
      '452 WeChat login rate limited', '453 WeChat refused this user', '454 WeChat is busy, try again', '455 WeChat login is not enabled'],
    '/user/register': ['101 Phone number existed', '400 Error hash', '401 Invalid wechat_ticket', '403 WeChat account already linked'],
    '/user/password': ['100 Incorrect user', '101 Error password', '102 Too many failed attempts', '400 Error hash'],
    '/user/nickname': ['100 user not existed'],
    '/user/info': ['1 Error Token'],
    '/user/doki': ['1 Token not existed'],
    '/admin/user': ['100 user not existed', '101 an admin cannot change their own role', '102 from must be a time before to, at most 366 days apart'],
    '/device': ['100 device_id not exist', '101 Duplicate device', '101 The device has already be bind', '103 No Such Device', '105 Answers by phone are off on this server: no resident or last-resort number',
      '106 A rota needs at least one shift', '107 A shift names a phone not bound to this camera', '108 Unknown time zone', '109 A drill was sent to this camera a moment ago',
      '410 Pairing code expired or used', '429 Too many pairing attempts'],
    '/notice': ['100 Image is not a readable JPEG, PNG or WebP', '101 Image too large', '102 Too many notices from this device'],
    '/get/notice': ['100 Error event_id', '101 event_id has been signed', '102 mode value error', '103 photo removed: older than the retention period', '200 GetNotice error'],
    '/portrait': ['100 Image is not a readable JPEG, PNG or WebP', '101 Image too large', '102 Uploaded file not found'],
    '/user/session': ['100 Session not found', '101 Invalid wechat_ticket', '102 WeChat account already linked', '103 from must be a time before to'],
    '/user/phone': ['101 Phone number existed', '102 No such export', '103 An export is already being made', '104 Too many exports today: at most 3 a day',
      '105 Quiet hours must not start and end at the same time', '106 Either from and to, or off', '400 Error hash'],
    '/health': ['100 Unknown sample type', '101 end_time must be after start_time',
      '102 Too many buckets: use a coarser granularity or a shorter range', '103 Unknown time zone'],
    '/upgrade': ['100 No upgrade package', '101 Version existed', '102 Uploaded file not found', '103 No such upgrade package'],
    '/file': ['100 Invalid or expired upload grant', '101 File too large', '102 Malformed upload: send the form_data fields, then the file'],
    '/push': ['100 Push endpoint not allowed', '101 Push subscription keys invalid', '102 No such push subscription'],
  });
});

tables.run();
