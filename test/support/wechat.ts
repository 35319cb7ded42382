import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for WeChat's `GET /sns/jscode2session`: checks appid, secret and
 * grant_type as WeChat does and answers in its JSON shape. A code "ok:<openid>"
 * logs that openid in; "err:<errcode>" gets that error.
 */
export async function startWeChatStandIn(appid: string, secret: string) {
  const calls: URLSearchParams[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    res.setHeader('Content-Type', 'text/plain');
    const send = (body: object) => res.end(JSON.stringify(body));
    if (req.method !== 'GET' || url.pathname !== '/sns/jscode2session') {
      res.statusCode = 404;
      return res.end();
    }
    const q = url.searchParams;
    calls.push(q);
    if (q.get('appid') !== appid) return send({ errcode: 40013, errmsg: 'invalid appid' });
    if (q.get('secret') !== secret) return send({ errcode: 40125, errmsg: 'invalid appsecret' });
    if (q.get('grant_type') !== 'authorization_code') return send({ errcode: 40002, errmsg: 'invalid grant_type' });
    const code = q.get('js_code') ?? '';
    if (code.startsWith('ok:')) return send({ session_key: 'SESSIONKEY-must-not-leak', openid: code.slice(3) });
    if (code.startsWith('err:')) return send({ errcode: Number(code.slice(4)), errmsg: 'stand-in error' });
    return send({ errcode: 40029, errmsg: 'invalid code' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
