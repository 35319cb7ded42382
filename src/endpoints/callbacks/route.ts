import crypto from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { CallEnd } from '../../db/answers.js';
import { replyFor } from '../../envelope/define.js';
import { requestIdOf, type Deps } from '../../envelope/dispatch.js';
import { readBody, parseJson } from '../../envelope/body.js';
import { dropBody, sendEnvelope } from '../../envelope/reply.js';
import { phoneOf, type Answered, type Caller } from '../../services/alerts/index.js';

/** Tencent's callbacks are a few hundred bytes; anything much larger is not one. */
export const CALLBACK_MAX_BYTES = 16 * 1024;

const envelope = replyFor({}, 'successful');

/** Tencent's reply shape: result 0 stops its retries; anything else (and HTTP 5xx) makes it try again. */
function answer(res: Response, http: number, result: 0 | 1, errmsg: string): void {
  res.status(http).setHeader('Cache-Control', 'no-store');
  res.json({ result, errmsg });
}

const str = (v: unknown, max = 64): v is string => typeof v === 'string' && v.length <= max;

/** 语音通知状态通知 result: 0 answered, 1 not answered, 2 the call failed; 语音送达失败原因通知: failed (busy when its reason says so). */
function endOf(result: string): CallEnd | null {
  return result === '0' ? 'answered' : result === '1' ? 'no_answer' : result === '2' ? 'failed' : null;
}

type Parsed = { ok: true; run: (who: Caller) => Promise<Answered> } | { ok: false; why: string };

/** Tencent VMS's callbacks, one object each: voicekey_callback (a keypress), voiceprompt_callback (the call's end), voice_failure_callback. */
function parseVoice(deps: Deps, body: Record<string, unknown>): Parsed {
  const { services: { answers }, log } = deps;
  const key = body.voicekey_callback as Record<string, unknown> | undefined;
  const prompt = body.voiceprompt_callback as Record<string, unknown> | undefined;
  const failure = body.voice_failure_callback as Record<string, unknown> | undefined;
  const one = [key, prompt, failure].filter((x) => x !== undefined);
  if (one.length !== 1 || typeof one[0] !== 'object' || one[0] === null || Array.isArray(one[0])) return { ok: false, why: 'expected one of voicekey_callback, voiceprompt_callback, voice_failure_callback' };
  const cb = one[0] as Record<string, unknown>;
  if (!str(cb.callid) || cb.callid === '' || !str(cb.mobile, 32) || !str(cb.nationcode ?? '86', 8)) return { ok: false, why: 'callid, mobile and nationcode must be strings' };
  const phone = phoneOf(String(cb.nationcode ?? '86'), cb.mobile);
  const callId = cb.callid;
  if (key) {
    if (!str(key.keypress, 8)) return { ok: false, why: 'keypress must be a string' };
    const pressed = (key.keypress as string).trim();
    return { ok: true, run: (who) => answers.keypress(callId, pressed, phone, who, log) };
  }
  if (prompt) {
    const end = endOf(String(prompt.result));
    if (!end) return { ok: false, why: 'result must be "0", "1" or "2"' };
    return { ok: true, run: (who) => answers.callEnded(callId, end, phone, who, log) };
  }
  const reason = typeof failure!.failure_reason === 'string' ? failure!.failure_reason : '';
  const end: CallEnd = /忙|busy/i.test(reason) ? 'busy' : 'failed';
  return { ok: true, run: (who) => answers.callEnded(callId, end, phone, who, log) };
}

/** Tencent SMS's reply callback (回复回调): mobile, nationcode, sign, text, time, extend. */
function parseSms(deps: Deps, body: Record<string, unknown>): Parsed {
  const { services: { answers }, log } = deps;
  if (!str(body.mobile, 32) || !str(body.nationcode ?? '86', 8) || !str(body.text, 1024) || typeof body.time !== 'number' || !Number.isFinite(body.time)) {
    return { ok: false, why: 'mobile, nationcode and text must be strings, time a number' };
  }
  const phone = phoneOf(String(body.nationcode ?? '86'), body.mobile);
  const { text, time } = body as { text: string; time: number };
  return { ok: true, run: (who) => answers.reply(phone, text, time, who, log) };
}

/**
 * POST /callbacks/tencent/{voice,sms}/<PROVIDER_CALLBACK_SECRET>: the provider tells us of a keypress,
 * a call's end or an SMS reply. Unknown (404, as any unknown path) without the secret set or with a
 * wrong one; limited per source address on every instance; the secret compared in constant time and
 * never logged (only this route sees the path).
 */
export function tencentCallbackRoute(kind: 'voice' | 'sms'): (deps: Deps) => RequestHandler {
  return (deps) => {
    const { config, services, log } = deps;
    const expected = crypto.createHash('sha256').update(config.callbackSecret).digest();
    return async (req: Request, res: Response) => {
      const who: Caller = { ip: req.ip ?? '', requestId: requestIdOf(res) };
      try {
        if (config.callbackSecret === '') {
          dropBody(req);
          return sendEnvelope(res, -1, envelope.fail('UNKNOWN'), 404);
        }
        if (await services.callbackLimit.blockedFor(who.ip) > 0) {
          dropBody(req);
          return answer(res, 429, 1, 'too many callbacks from this address');
        }
        await services.callbackLimit.hit(who.ip);
        const given = crypto.createHash('sha256').update(String(req.params.secret ?? '')).digest();
        if (!crypto.timingSafeEqual(given, expected)) {
          dropBody(req);
          await services.answers.refused(who, 'secret', 'wrong_secret', { kind });
          return sendEnvelope(res, -1, envelope.fail('UNKNOWN'), 404);
        }
        const body = await readBody(req, CALLBACK_MAX_BYTES);
        if (!body.ok) {
          if (body.reason === 'aborted') return;
          await services.answers.refused(who, 'body', 'too_large', { kind, max_bytes: CALLBACK_MAX_BYTES });
          return answer(res, 400, 1, `body over ${CALLBACK_MAX_BYTES} bytes`);
        }
        const json = parseJson(body.body);
        if (!json.ok || typeof json.value !== 'object' || json.value === null || Array.isArray(json.value)) return answer(res, 400, 1, 'body is not a JSON object');
        const parsed = kind === 'voice' ? parseVoice(deps, json.value as Record<string, unknown>) : parseSms(deps, json.value as Record<string, unknown>);
        if (!parsed.ok) return answer(res, 400, 1, parsed.why);
        const outcome = await parsed.run(who);
        log.info('provider callback', { kind, rid: who.requestId, ...(outcome.taken ? { did: outcome.did } : { ignored: outcome.why }) });
        // unknown, stale or repeated: OK all the same, so that the provider stops retrying
        answer(res, 200, 0, 'OK');
      } catch (err) {
        log.error('provider callback failed', { kind, rid: who.requestId, err });
        if (!res.headersSent) answer(res, 500, 1, 'not taken: try again');
      }
    };
  };
}
