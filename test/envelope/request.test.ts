import http from 'node:http';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../src/config.js';
import { compileTrust, pathOf, tokenOf } from '../../src/envelope/request.js';
import { answered, fails, passes, startTestServer, tempDir, type TestServer } from '../helpers.js';

const read = suite('requests are read as express reads them');

read('the token query parameter: absent or empty is null, repeated is undefined, escapes are decoded', () => {
  assert.is(tokenOf('/api/notice'), null);
  assert.is(tokenOf('/api/notice?'), null);
  assert.is(tokenOf('/api/notice?token='), null);
  assert.is(tokenOf('/api/notice?other=1'), null);
  assert.is(tokenOf('/api/notice?token=abc&x=1'), 'abc');
  assert.is(tokenOf('/api/notice?x=1&token=a%20b'), 'a b');
  assert.is(tokenOf('/api/notice?token=a&token=b'), undefined);
  assert.is(tokenOf('/api/notice?token=abc#frag'), 'abc');
  assert.is(tokenOf('/api/notice?token=%ZZ'), '%ZZ');
});

read('the path stops at the query or the fragment', () => {
  assert.is(pathOf('/api/notice?token=1'), '/api/notice');
  assert.is(pathOf('/api/notice#x?y'), '/api/notice');
  assert.is(pathOf('/api/notice'), '/api/notice');
  assert.is(pathOf(undefined), '/');
});

read('TRUST_PROXY: off, true, a hop count, or addresses; anything else stops the start with the variable named', () => {
  assert.is(compileTrust(false)('127.0.0.1', 0), false);
  assert.is(compileTrust('true')('203.0.113.9', 5), true);
  const oneHop = compileTrust('1');
  assert.is(oneHop('203.0.113.9', 0), true);
  assert.is(oneHop('203.0.113.9', 1), false);
  const listed = compileTrust('loopback, 10.0.0.0/8');
  assert.is(listed('127.0.0.1', 0), true);
  assert.is(listed('10.1.2.3', 3), true);
  assert.is(listed('203.0.113.9', 0), false);
  assert.is(loadConfig({ DATA_DIR: tempDir(), TRUST_PROXY: ' 2 ' }).trustProxy, '2');
  assert.throws(() => loadConfig({ DATA_DIR: tempDir(), TRUST_PROXY: 'nonsense' }), /TRUST_PROXY="nonsense"/);
});

read.run();

/** A POST with headers fetch will not set (Host). */
function post(t: TestServer, urlPath: string, body: unknown, headers: Record<string, string>): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = http.request(t.url + urlPath, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve(JSON.parse(text)));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ id: 1, ...(body as object) }));
  });
}

const proxied = suite('behind a proxy');
let phone = 13900010000;
const sms = async (t: TestServer, forwardedFor: string) => answered(await post(t, '/api/captcha', { type: 'sms', subtype: 'generate', data: { phone: String(++phone) } }, { 'x-forwarded-for': forwardedFor }), '/captcha');

proxied('when TRUST_PROXY is a hop count, then the per-address SMS limit counts the forwarded client address', async () => {
  const t = await startTestServer({ TRUST_PROXY: '1', SMS_IP_HOURLY: '1' });
  try {
    passes(await sms(t, '203.0.113.5'));
    fails(await sms(t, '203.0.113.5'), 'SMS_LIMIT_HOUR');
    passes(await sms(t, '198.51.100.7, 203.0.113.6'));
    const ips = (await t.sql.all('select distinct ip from sms_codes order by ip')) as { ip: string }[];
    assert.equal(ips.map((r) => r.ip), ['203.0.113.5', '203.0.113.6']);
  } finally {
    await t.close();
  }
});

proxied('when no proxy is trusted, then X-Forwarded-For is ignored: every request is the peer\'s', async () => {
  const t = await startTestServer({ SMS_IP_HOURLY: '1' });
  try {
    passes(await sms(t, '203.0.113.5'));
    fails(await sms(t, '203.0.113.6'), 'SMS_LIMIT_HOUR');
    const ips = (await t.sql.all('select distinct ip from sms_codes')) as { ip: string }[];
    assert.equal(ips, [{ ip: '127.0.0.1' }]);
  } finally {
    await t.close();
  }
});

proxied('URLs in replies use the Host header, and X-Forwarded-Proto only from a trusted proxy', async () => {
  for (const [trust, scheme] of [['', 'http'], ['loopback', 'https']] as const) {
    const t = await startTestServer(trust ? { TRUST_PROXY: trust } : {});
    try {
      const token = await t.signUp(String(++phone));
      const res = await post(t, `/api/file?token=${token}`, { type: 'file', subtype: 'params', data: { module: 'avatar', filename: 'me.jpg', size: 1000 } },
        { host: 'care.example.org', 'x-forwarded-proto': 'https' });
      passes(res);
      assert.is(res.data.upload_url, `${scheme}://care.example.org/api/file/upload`);
    } finally {
      await t.close();
    }
  }
});

proxied.run();
