import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Call {
  phone: string;
  appId: string;
  templateId: string;
  params: string[];
  playTimes: number;
  callId: string;
}

export interface Received {
  phone: string;
  appId: string;
  signName: string;
  templateId: string;
  params: string[];
}

const hmac = (key: string | Buffer, msg: string) => crypto.createHmac('sha256', key).update(msg).digest();
const sha256 = (msg: string | Buffer) => crypto.createHash('sha256').update(msg).digest('hex');

/**
 * A stand-in for Tencent Cloud's SMS API (sms.tencentcloudapi.com, 2021-01-11)
 * and its voice message API (vms.tencentcloudapi.com, 2020-09-02): it checks
 * the TC3-HMAC-SHA256 signature as Tencent does and answers SendSms and
 * SendTtsVoice in Tencent's JSON shape. `answer` picks the per-number Code to
 * send back (for a call, anything but Ok is returned as an Error); `delayMs`
 * holds every answer back.
 */
export async function startTencentStandIn(secretId: string, secretKey: string) {
  const received: Received[] = [];
  const calls: Call[] = [];
  let answer: (phone: string) => string = () => 'Ok';
  let delayMs = 0;
  const reply = (res: http.ServerResponse, response: object) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ Response: { ...response, RequestId: crypto.randomUUID() } }));
  };
  const error = (res: http.ServerResponse, code: string, message: string) => reply(res, { Error: { Code: code, Message: message } });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => setTimeout(() => {
      const body = Buffer.concat(chunks);
      const auth = String(req.headers.authorization ?? '');
      const m = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
      if (!m) return error(res, 'AuthFailure.SignatureFailure', 'malformed Authorization');
      const [, id, date, service, signedHeaders, signature] = m as unknown as string[];
      if (id !== secretId) return error(res, 'AuthFailure.SecretIdNotFound', 'unknown SecretId');
      const timestamp = Number(req.headers['x-tc-timestamp']);
      if (new Date(timestamp * 1000).toISOString().slice(0, 10) !== date) return error(res, 'AuthFailure.SignatureFailure', 'date mismatch');
      if (Math.abs(Date.now() / 1000 - timestamp) > 300) return error(res, 'AuthFailure.SignatureExpire', 'expired');
      const headers = signedHeaders!.split(';').map((h) => `${h}:${h === 'host' ? String(req.headers.host).split(':')[0] : req.headers[h]}\n`).join('');
      const canonical = ['POST', '/', '', headers, signedHeaders, sha256(body)].join('\n');
      const toSign = ['TC3-HMAC-SHA256', timestamp, `${date}/${service}/tc3_request`, sha256(canonical)].join('\n');
      const key = hmac(hmac(hmac('TC3' + secretKey, date!), service!), 'tc3_request');
      const expected = hmac(key, toSign).toString('hex');
      if (!crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(signature!))) {
        return error(res, 'AuthFailure.SignatureFailure', 'The provided credentials could not be validated.');
      }
      const p = JSON.parse(body.toString('utf8'));
      if (req.headers['x-tc-action'] === 'SendTtsVoice' && req.headers['x-tc-version'] === '2020-09-02') {
        for (const k of ['TemplateId', 'CalledNumber', 'VoiceSdkAppid']) if (!p[k]) return error(res, 'MissingParameter', `${k} missing`);
        const code = answer(p.CalledNumber);
        if (code !== 'Ok') return error(res, code, 'call refused');
        const callId = crypto.randomUUID();
        calls.push({ phone: p.CalledNumber, appId: p.VoiceSdkAppid, templateId: p.TemplateId, params: p.TemplateParamSet ?? [], playTimes: p.PlayTimes, callId });
        return reply(res, { SendStatus: { CallId: callId, SessionContext: '' } });
      }
      if (req.headers['x-tc-action'] !== 'SendSms' || req.headers['x-tc-version'] !== '2021-01-11') {
        return error(res, 'InvalidAction', 'unsupported action');
      }
      for (const k of ['PhoneNumberSet', 'SmsSdkAppId', 'TemplateId']) if (!p[k]) return error(res, 'MissingParameter', `${k} missing`);
      const statuses = (p.PhoneNumberSet as string[]).map((phone) => {
        const code = answer(phone);
        if (code === 'Ok') {
          received.push({ phone, appId: p.SmsSdkAppId, signName: p.SignName, templateId: p.TemplateId, params: p.TemplateParamSet ?? [] });
        }
        return { SerialNo: crypto.randomUUID(), PhoneNumber: phone, Fee: 1, SessionContext: '', Code: code, Message: code === 'Ok' ? 'send success' : code, IsoCode: 'CN' };
      });
      reply(res, { SendStatusSet: statuses });
    }, delayMs));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    calls,
    answerWith(fn: (phone: string) => string) {
      answer = fn;
    },
    delay(ms: number) {
      delayMs = ms;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What Tencent posts to our callback URLs, in its documented shapes (语音通知按键通知, 语音通知状态通知, 语音送达失败原因通知, 短信回复). */
export const tencentCallbacks = {
  keypress: (callid: string, mobile: string, keypress: string) => ({ voicekey_callback: { call_from: '', callid, keypress, mobile, nationcode: '86' } }),
  ended: (callid: string, mobile: string, result: '0' | '1' | '2') => {
    const now = String(Math.floor(Date.now() / 1000));
    return { voiceprompt_callback: { result, accept_time: now, call_from: '', callid, end_calltime: now, fee: '1', mobile, nationcode: '86', start_calltime: now } };
  },
  failed: (callid: string, mobile: string, reason: string) => ({ voice_failure_callback: { call_from: '', callid, failure_code: 8, failure_reason: reason, mobile, nationcode: '86' } }),
  reply: (mobile: string, text: string, time = Math.floor(Date.now() / 1000)) => ({ extend: '', mobile, nationcode: '86', sign: 'HelpAged', text, time }),
};
