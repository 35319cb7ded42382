import { CommonClient } from 'tencentcloud-sdk-nodejs-common';
import * as tencentcloud from 'tencentcloud-sdk-nodejs-sms';
import type { TencentSmsConfig, VoiceKind } from '../../config.js';
import { maskPhone } from '../shared/index.js';
import { isCall, type FallCall, type SmsGateway, type SmsMessage, type SmsRefusal, type SmsResult } from './gateway.js';

const SmsClient = tencentcloud.sms.v20210111.Client;

/** Tencent Cloud's per-number error codes, as its SendSms API names them. */
const REFUSALS: Record<string, SmsRefusal> = {
  'InvalidParameterValue.IncorrectPhoneNumber': 'bad_phone',
  'LimitExceeded.PhoneNumberThirtySecondLimit': 'limit_30s',
  'LimitExceeded.PhoneNumberOneHourLimit': 'limit_hour',
  'LimitExceeded.PhoneNumberDailyLimit': 'limit_day',
  'LimitExceeded.PhoneNumberSameContentDailyLimit': 'limit_day',
};

/** `endpoint` is a host ("sms.tencentcloudapi.com") or a URL ("http://127.0.0.1:9000") for a stand-in. */
function httpProfile(endpoint: string) {
  const m = /^(https?:\/\/)(.+?)\/?$/.exec(endpoint);
  return m ? { protocol: m[1]!, endpoint: m[2]!, reqTimeout: 10 } : { endpoint, reqTimeout: 10 };
}

/**
 * A template's parameters: the code and its minutes; the device and when it was last heard from; the
 * device and the fall's time (and, confirming a reply, how many other falls are still open); a pause's
 * device, its end and who started it (masked); a summary's count and cameras.
 */
function paramsOf(m: SmsMessage): string[] {
  switch (m.kind) {
    case 'code': return [m.code, String(Math.max(1, Math.round(m.ttlSeconds / 60)))];
    case 'offline':
    case 'online': return [m.device, m.lastSeen ?? ''];
    case 'acknowledged': return [m.device, m.createtime, String(m.open)];
    case 'pause': return [m.device, m.until, maskPhone(m.by)];
    case 'pause-end': return [m.device];
    case 'drill':
    case 'drill-call': return [m.device];
    case 'summary': return [String(m.count), [...new Set(m.lines.map((l) => l.slice(0, l.lastIndexOf(':'))))].join(',').slice(0, 20)];
    default: return [m.device, m.createtime];
  }
}

/** The voice template of each call; the last resort's falls back to the family's. */
const VOICE: Record<FallCall | 'drill-call', VoiceKind> = { call: 'alert', 'resident-call': 'resident', 'last-resort-call': 'last-resort', 'drill-call': 'drill' };
/** SMS kinds that fall back to the fall's first template when TENCENT_SMS_TEMPLATES has none of their own. */
const LIKE_ALERT = new Set(['alert-repeat', 'alert-ok', 'next-level', 'last-resort']);

/**
 * Sends codes and alerts through Tencent Cloud SMS (API 2021-01-11, SendSms)
 * with its official SDK, and fall calls through its voice message service
 * (VMS 2020-09-02, SendTtsVoice: a text-to-speech template with the camera's
 * name and the time) with the SDK's CommonClient, npm having no VMS package.
 */
export class TencentGateway implements SmsGateway {
  readonly name = 'tencent';
  private readonly client: InstanceType<typeof SmsClient>;
  private readonly voice: CommonClient | null;

  constructor(private readonly cfg: TencentSmsConfig) {
    const credential = { secretId: cfg.secretId, secretKey: cfg.secretKey };
    this.client = new SmsClient({ credential, region: cfg.region, profile: { httpProfile: httpProfile(cfg.endpoint) } });
    const v = cfg.voice;
    this.voice = v ? new CommonClient('vms.tencentcloudapi.com', '2020-09-02', {
      credential, region: v.region, profile: { httpProfile: httpProfile(v.endpoint) },
    }) : null;
  }

  async send(message: SmsMessage): Promise<SmsResult> {
    if (isCall(message.kind)) return this.call(message.kind, message.phone, paramsOf(message));
    const key = message.kind === 'code' ? String(message.commandType) : message.kind;
    const templateId = this.cfg.templates[key] ?? (LIKE_ALERT.has(key) ? this.cfg.templates.alert : undefined);
    if (!templateId) return { ok: false, refusal: 'failed', detail: `no template for ${key} in TENCENT_SMS_TEMPLATES` };
    const params = paramsOf(message);
    let response;
    try {
      response = await this.client.SendSms({
        PhoneNumberSet: [`+86${message.phone}`],
        SmsSdkAppId: this.cfg.appId,
        SignName: this.cfg.signName,
        TemplateId: templateId,
        TemplateParamSet: params,
      });
    } catch (err) {
      const e = err as { code?: string; message?: string };
      return { ok: false, refusal: REFUSALS[e.code ?? ''] ?? 'failed', detail: `${e.code ?? 'error'}: ${e.message ?? ''}` };
    }
    const status = response.SendStatusSet?.[0];
    if (!status) return { ok: false, refusal: 'failed', detail: 'empty SendStatusSet' };
    if (status.Code === 'Ok') return { ok: true };
    return { ok: false, refusal: REFUSALS[status.Code ?? ''] ?? 'failed', detail: `${status.Code}: ${status.Message}` };
  }

  private async call(kind: FallCall | 'drill-call', phone: string, params: string[]): Promise<SmsResult> {
    const v = this.cfg.voice;
    if (!this.voice || !v) return { ok: false, refusal: 'failed', detail: 'voice calls need TENCENT_VMS_APP_ID and TENCENT_VMS_TEMPLATE_ID' };
    const templateId = v.templates[VOICE[kind]] ?? (kind === 'last-resort-call' ? v.templates.alert : undefined);
    if (!templateId) return { ok: false, refusal: 'failed', detail: `no ${VOICE[kind]} template in TENCENT_VMS_TEMPLATES` };
    try {
      const response = await this.voice.request('SendTtsVoice', {
        TemplateId: templateId, TemplateParamSet: params, CalledNumber: `+86${phone}`, VoiceSdkAppid: v.appId, PlayTimes: v.playTimes,
      }) as { SendStatus?: { CallId?: string } };
      const callId = response.SendStatus?.CallId;
      return callId ? { ok: true, callId } : { ok: false, refusal: 'failed', detail: 'no CallId in SendStatus' };
    } catch (err) {
      const e = err as { code?: string; message?: string };
      return { ok: false, refusal: 'failed', detail: `${e.code ?? 'error'}: ${e.message ?? ''}` };
    }
  }
}
