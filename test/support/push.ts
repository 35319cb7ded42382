/**
 * A stand-in push service (what FCM or Mozilla's autopush are to a browser) on 127.0.0.1: it hands out
 * subscriptions as a browser's PushManager would (a P-256 key pair and an auth secret per subscription),
 * and for every push it checks the VAPID token (RFC 8292: an ES256 JWT for this origin, signed by the
 * key in `k`, expiring within 24 hours) and decrypts the aes128gcm payload (RFC 8291, RFC 8188) with the
 * subscription's private key, as the browser would.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  id: string;
  payload: Record<string, unknown>;
  /** The VAPID public key that signed the push (base64url). */
  vapidKey: string;
  ttl: string | undefined;
  urgency: string | undefined;
}

interface Sub {
  ecdh: crypto.ECDH;
  auth: Buffer;
  status: number;
}

const hmac = (key: Buffer, data: Buffer) => crypto.createHmac('sha256', key).update(data).digest();

/** RFC 8291 section 3.4 and RFC 8188 section 2: one record, padded with a 0x02 delimiter. */
function decrypt(body: Buffer, sub: Sub): Buffer {
  const salt = body.subarray(0, 16);
  const idlen = body[20]!;
  const senderPublic = body.subarray(21, 21 + idlen);
  const record = body.subarray(21 + idlen);
  const uaPublic = sub.ecdh.getPublicKey();
  const secret = sub.ecdh.computeSecret(senderPublic);
  const prkKey = hmac(sub.auth, secret);
  const ikm = hmac(prkKey, Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, senderPublic, Buffer.from([1])]));
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01')).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01')).subarray(0, 12);
  const decipher = crypto.createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('no last-record delimiter');
  return padded.subarray(0, end);
}

/** RFC 8292: `vapid t=<JWT>, k=<public key>`; returns the key, or throws saying what is wrong. */
function checkVapid(header: string | undefined, origin: string): string {
  const m = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(header ?? '');
  if (!m) throw new Error(`Authorization is not vapid: ${header}`);
  const [headerB64, claimsB64, sigB64] = m[1]!.split('.') as [string, string, string];
  const jwtHeader = JSON.parse(Buffer.from(headerB64, 'base64url').toString());
  const claims = JSON.parse(Buffer.from(claimsB64, 'base64url').toString()) as { aud: string; exp: number; sub: string };
  if (jwtHeader.alg !== 'ES256') throw new Error(`alg ${jwtHeader.alg}`);
  if (claims.aud !== origin) throw new Error(`aud ${claims.aud}, not ${origin}`);
  const now = Date.now() / 1000;
  if (!(claims.exp > now && claims.exp <= now + 24 * 3600)) throw new Error(`exp ${claims.exp}`);
  if (!/^(mailto:|https:)/.test(claims.sub)) throw new Error(`sub ${claims.sub}`);
  const point = Buffer.from(m[2]!, 'base64url');
  const key = crypto.createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') }, format: 'jwk' });
  const ok = crypto.verify('sha256', Buffer.from(`${headerB64}.${claimsB64}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(sigB64, 'base64url'));
  if (!ok) throw new Error('bad VAPID signature');
  return m[2]!;
}

export async function startPushService() {
  const subs = new Map<string, Sub>();
  const received: Received[] = [];
  const refused: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = (req.url ?? '').replace(/^\/push\//, '');
      const sub = subs.get(id);
      if (req.method !== 'POST' || !sub) return void res.writeHead(404).end();
      try {
        if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error(`Content-Encoding ${req.headers['content-encoding']}`);
        const vapidKey = checkVapid(req.headers.authorization, origin);
        const payload = JSON.parse(decrypt(Buffer.concat(chunks), sub).toString('utf8'));
        if (sub.status >= 300) return void res.writeHead(sub.status).end();
        received.push({ id, payload, vapidKey, ttl: req.headers.ttl as string | undefined, urgency: req.headers.urgency as string | undefined });
        res.writeHead(201).end();
      } catch (err) {
        refused.push(String((err as Error).message));
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    received,
    /** Pushes that failed a check: the VAPID token or the encryption. */
    refused,
    /** A new subscription, as PushSubscription.toJSON() gives it. */
    subscribe(): { endpoint: string; keys: { p256dh: string; auth: string } } {
      const id = crypto.randomBytes(8).toString('hex');
      const ecdh = crypto.createECDH('prime256v1');
      ecdh.generateKeys();
      const sub = { ecdh, auth: crypto.randomBytes(16), status: 201 };
      subs.set(id, sub);
      return { endpoint: `${origin}/push/${id}`, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: sub.auth.toString('base64url') } };
    },
    /** From now on the push service answers this subscription's pushes with `status` (410: it is gone). */
    answer(endpoint: string, status: number): void {
      subs.get(endpoint.slice(endpoint.lastIndexOf('/') + 1))!.status = status;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
