import net from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { jpeg, newPhone, passes, startTestServer, type TestServer, until } from '../helpers.js';
import { EventSource } from 'eventsource';
import { openStream } from '../support/sse.js';
import { startProxy } from '../support/proxy.js';

let t: TestServer;
const noticeStream = suite('GET /api/notice/stream (Server-Sent Events)');
noticeStream.before(async () => {
  t = await startTestServer({ SSE_HEARTBEAT_SECONDS: '1' });
});
noticeStream.after(() => t.close());

noticeStream('a new notice reaches every open stream of every bound account, with the fields notice.get lists', async () => {
  const a = await t.signUp(newPhone());
  const b = await t.signUp(newPhone());
  const camera = await t.addDevice(a);
  await t.bind(b, camera);
  const streamA = openStream(`${t.url}/api/notice/stream?token=${a}`);
  const streamB = openStream(`${t.url}/notice/stream?token=${b}`);
  await Promise.all([streamA.ready, streamB.ready]);
  assert.match(streamA.contentType, /^text\/event-stream/);
  const sentAt = Date.now();
  await t.upload(camera, await jpeg(20), 'bathroom');
  await streamA.waitFor(() => streamA.events.length === 1, 1000);
  await streamB.waitFor(() => streamB.events.length === 1, 1000);
  assert.ok(Date.now() - sentAt < 1000);
  const listed = (await t.call('notice.get', { mode: 0 }, { token: a })).data.list[0];
  assert.is(streamA.events[0]!.event, 'notice');
  assert.equal(JSON.parse(streamA.events[0]!.data), listed);
  assert.equal(JSON.parse(streamB.events[0]!.data), listed);
  streamA.close();
  streamB.close();
});

noticeStream('a dropped client resumes with Last-Event-ID and gets every missed notice once, in order', async () => {
  const token = await t.signUp(newPhone());
  const camera = await t.addDevice(token);
  const first = openStream(`${t.url}/api/notice/stream?token=${token}`);
  await first.ready;
  await t.upload(camera, await jpeg(5), 'one');
  await first.waitFor(() => first.events.length === 1);
  const lastId = first.events[0]!.id!;
  first.close();
  await t.upload(camera, await jpeg(5), 'two');
  await t.upload(camera, await jpeg(5), 'three');
  const second = openStream(`${t.url}/api/notice/stream?token=${token}`, { 'Last-Event-ID': lastId });
  await second.ready;
  await t.upload(camera, await jpeg(5), 'four');
  await second.waitFor(() => second.events.length >= 3);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(second.events.map((e) => JSON.parse(e.data).content), ['two', 'three', 'four']);
  const ids = second.events.map((e) => Number(e.id));
  assert.equal(ids, [...ids].sort((x, y) => x - y));
  assert.ok(ids[0]! > Number(lastId));
  second.close();
});

noticeStream('streams see only their own devices; heartbeats keep the connection warm', async () => {
  const mine = await t.signUp(newPhone());
  const other = await t.signUp(newPhone());
  const otherCamera = await t.addDevice(other);
  const stream = openStream(`${t.url}/api/notice/stream?token=${mine}`);
  await stream.ready;
  await t.upload(otherCamera, await jpeg(5));
  await stream.waitFor(() => stream.comments.includes('ping'), 2500);
  assert.is(stream.events.length, 0);
  stream.close();
});

noticeStream('a revoked token ends the stream at the next heartbeat', async () => {
  const phone = newPhone();
  const token = await t.signUp(phone);
  const stream = openStream(`${t.url}/api/notice/stream?token=${token}`);
  await stream.ready;
  const userId = (await t.services.users.byPhone(t.services.read, phone))!.id;
  assert.is(t.services.hub.streams(userId), 1);
  await t.call('password.change', { phone, old: 'secret123', new: 'other1234' });
  const deadline = Date.now() + 2500;
  while (t.services.hub.streams(userId) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.is(t.services.hub.streams(userId), 0, 'the server dropped the stream');
  stream.close();
});

noticeStream('a missing or bad token gets an envelope, not a stream', async () => {
  const none = await fetch(`${t.url}/api/notice/stream`);
  assert.equal(await none.json(), { id: -1, status: -100, message: 'Missing necessary args', data: {} });
  const bad = await fetch(`${t.url}/api/notice/stream?token=${'0'.repeat(32)}`);
  assert.equal(await bad.json(), { id: -1, status: -101, message: 'Error token', data: {} });
});

/** A stream read off a raw socket, as sent: `text` is everything after the status line and headers. */
function rawStream(port: number, path: string, version: '1.0' | '1.1') {
  const socket = net.connect(port, '127.0.0.1', () => socket.write(`GET ${path} HTTP/${version}\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n`));
  const state = { head: '', text: '', socket };
  let all = '';
  socket.on('data', (chunk: Buffer) => {
    all += chunk.toString('latin1');
    const cut = all.indexOf('\r\n\r\n');
    if (cut >= 0) [state.head, state.text] = [all.slice(0, cut), all.slice(cut + 4)];
  });
  return state;
}

noticeStream('on the wire: HTTP/1.1 gets each event as one well-formed chunk; HTTP/1.0 the bare stream, ended by the connection', async () => {
  const token = await t.signUp(newPhone());
  const camera = await t.addDevice(token);
  const path = `/api/notice/stream?token=${token}`;
  const v11 = rawStream(t.port, path, '1.1');
  const v10 = rawStream(t.port, path, '1.0');
  await until(() => v11.text.length > 0 && v10.text.length > 0, 3000, 'both streams to open');
  await t.upload(camera, await jpeg(5), 'kitchen');
  await until(() => v11.text.includes('event: notice') && v11.text.endsWith('\n\n\r\n'), 3000, 'the HTTP/1.1 event');
  await until(() => v10.text.includes('event: notice') && v10.text.endsWith('\n\n'), 3000, 'the HTTP/1.0 event');
  const listed = (await t.call('notice.get', { mode: 0 }, { token })).data.list[0];

  assert.match(v11.head, /^HTTP\/1\.1 200 /);
  assert.match(v11.head, /\r\ntransfer-encoding: chunked/i);
  const chunks: string[] = [];
  let rest = v11.text;
  while (rest.length > 0) {
    const line = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, line), 16);
    assert.ok(Number.isInteger(size) && size > 0, `a chunk size line: ${JSON.stringify(rest.slice(0, 20))}`);
    chunks.push(rest.slice(line + 2, line + 2 + size));
    assert.is(rest.slice(line + 2 + size, line + 4 + size), '\r\n', 'each chunk ends with CRLF');
    rest = rest.slice(line + 4 + size);
  }
  // heartbeats (every second here) may come between
  const sent = chunks.filter((c) => c !== ': ping\n\n');
  assert.is(sent.length, 2, 'the retry hint, then the event, each a chunk of its own');
  assert.match(sent[0]!, /^retry: \d+\n\n$/);
  const [, id, data] = /^id: (\d+)\nevent: notice\ndata: (.*)\n\n$/.exec(sent[1]!) ?? [];
  assert.ok(id, sent[1]);
  assert.equal(JSON.parse(Buffer.from(data!, 'latin1').toString('utf8')), listed);

  assert.match(v10.head, /^HTTP\/1\.1 200 /);
  assert.not.match(v10.head, /transfer-encoding/i);
  assert.is(v10.text.replaceAll(': ping\n\n', ''), sent.join(''), 'the same bytes, unframed');
  v11.socket.destroy();
  v10.socket.destroy();
});

noticeStream.run();

// ---------------------------------------------------------------------------------------------
const back = suite('alert streams always let the family back in (a real EventSource client)');
let b: TestServer;
back.before(async () => {
  b = await startTestServer({ SSE_HEARTBEAT_SECONDS: '1', SSE_RETRY_MS: '100', NOTICES_PER_DEVICE_PER_MINUTE: '1000' });
});
back.after(() => b.close());

/** An EventSource through `base`: collects notice event_ids and counts opens; `errors` holds any refusal. */
function eventSource(base: string, token: string) {
  const es = new EventSource(`${base}/api/notice/stream?token=${token}`);
  const state = { es, notices: [] as string[], opens: 0, closedForGood: false };
  es.addEventListener('notice', (ev) => state.notices.push(JSON.parse((ev as MessageEvent).data).event_id));
  es.addEventListener('open', () => state.opens++);
  es.addEventListener('error', () => {
    if (es.readyState === EventSource.CLOSED) state.closedForGood = true;
  });
  return state;
}


back('25 drop-and-reconnect cycles with Last-Event-ID: never refused, no fall missed, none twice; a hang-up frees its slot at once', async () => {
  const phone = newPhone();
  const token = await b.signUp(phone);
  const userId = (await b.services.users.byPhone(b.services.read, phone))!.id;
  const camera = await b.addDevice(token);
  const proxy = await startProxy(() => [b.port]);
  const es = eventSource(proxy.url, token);
  const sent: string[] = [];
  const fall = async () => {
    const res = await b.upload(camera, await jpeg(3));
    passes(res);
    const listed = await b.call('notice.get', { mode: 2, limit: 1 }, { token });
    sent.push(listed.data.list[0].event_id);
  };
  try {
    await until(() => es.opens === 1, 3000, 'first open');
    for (let cycle = 0; cycle < 25; cycle++) {
      await fall();
      await until(() => es.notices.length === sent.length, 3000, `live fall ${cycle}`);
      proxy.hangUp();
      await until(() => b.services.hub.streams(userId) === 0, 1000, 'the hung-up stream to be gone');
      await fall(); // while the client is away
      await until(() => es.opens === cycle + 2, 3000, `reconnect ${cycle}`);
      await until(() => es.notices.length === sent.length, 3000, `missed fall ${cycle}`);
    }
    assert.equal(es.notices, sent, 'every fall once, in order');
    assert.is(es.closedForGood, false);
    assert.is(b.services.hub.streams(userId), 1);
  } finally {
    es.es.close();
    await proxy.close();
  }
});

back('10 streams dropped at once, then 10 new ones opened at once: all accepted; an 11th replaces the oldest', async () => {
  const phone = newPhone();
  const token = await b.signUp(phone);
  const userId = (await b.services.users.byPhone(b.services.read, phone))!.id;
  const proxy = await startProxy(() => [b.port]);
  const first = Array.from({ length: 10 }, () => openStream(`${proxy.url}/api/notice/stream?token=${token}`));
  await Promise.all(first.map((s) => s.ready));
  assert.is(b.services.hub.streams(userId), 10);
  proxy.hangUp();
  const second = Array.from({ length: 10 }, () => openStream(`${b.url}/api/notice/stream?token=${token}`));
  await Promise.all(second.map((s) => s.ready));
  assert.ok(second.every((s) => /^text\/event-stream/.test(s.contentType)), 'every one is a stream, none refused');
  await until(() => b.services.hub.streams(userId) === 10, 1000, 'ten streams');
  const eleventh = openStream(`${b.url}/api/notice/stream?token=${token}`);
  await eleventh.ready;
  assert.match(eleventh.contentType, /^text\/event-stream/);
  await second[0]!.waitFor(() => second[0]!.events.some((e) => e.event === 'replaced'), 1000);
  assert.is(b.services.hub.streams(userId), 10);
  for (const s of [...second, eleventh]) s.close();
  await proxy.close();
});

back.run();
