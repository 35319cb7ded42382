import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { jpeg, newPhone, startTestServer, type TestServer } from './helpers.js';
import { openStream } from './support/sse.js';

let t: TestServer;
const s = suite('GET /api/notice/stream (Server-Sent Events)');
s.before(async () => {
  t = await startTestServer({ SSE_HEARTBEAT_SECONDS: '1' });
});
s.after(() => t.close());

s('a new notice reaches every open stream of every bound account, with the fields notice.get lists', async () => {
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
  const listed = (await t.call('/get/notice', 'notice', 'get', { mode: 0 }, { token: a })).data.list[0];
  assert.is(streamA.events[0]!.event, 'notice');
  assert.equal(JSON.parse(streamA.events[0]!.data), listed);
  assert.equal(JSON.parse(streamB.events[0]!.data), listed);
  streamA.close();
  streamB.close();
});

s('a dropped client resumes with Last-Event-ID and gets every missed notice once, in order', async () => {
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

s('streams see only their own devices; heartbeats keep the connection warm', async () => {
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

s('a revoked token ends the stream at the next heartbeat', async () => {
  const phone = newPhone();
  const token = await t.signUp(phone);
  const stream = openStream(`${t.url}/api/notice/stream?token=${token}`);
  await stream.ready;
  const userId = t.services.users.byPhone(phone)!.id;
  assert.is(t.services.hub.streams(userId), 1);
  await t.call('/user/password', 'password', 'change', { phone, old: 'secret123', new: 'other1234' });
  const deadline = Date.now() + 2500;
  while (t.services.hub.streams(userId) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.is(t.services.hub.streams(userId), 0, 'the server dropped the stream');
  stream.close();
});

s('a missing or bad token gets an envelope, not a stream', async () => {
  const none = await fetch(`${t.url}/api/notice/stream`);
  assert.equal(await none.json(), { id: -1, status: -100, message: 'Missing necessary args', data: {} });
  const bad = await fetch(`${t.url}/api/notice/stream?token=${'0'.repeat(32)}`);
  assert.equal(await bad.json(), { id: -1, status: -101, message: 'Error token', data: {} });
});

s.run();
