import * as tencentcloud from 'tencentcloud-sdk-nodejs-sms';
import type { TencentSmsConfig } from '../../config.js';
import type { SmsGateway, SmsMessage, SmsRefusal, SmsResult } from './gateway.js';

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

/** Sends codes and alerts through Tencent Cloud SMS (API 2021-01-11, SendSms) with its official SDK. */
export class TencentGateway implements SmsGateway {
  readonly name = 'tencent';
  private readonly client: InstanceType<typeof SmsClient>;

  constructor(private readonly cfg: TencentSmsConfig) {
    this.client = new SmsClient({
      credential: { secretId: cfg.secretId, secretKey: cfg.secretKey },
      region: cfg.region,
      profile: { httpProfile: httpProfile(cfg.endpoint) },
    });
  }

  async send(message: SmsMessage): Promise<SmsResult> {
    const key = message.kind === 'code' ? String(message.commandType) : 'alert';
    const templateId = this.cfg.templates[key];
    if (!templateId) return { ok: false, refusal: 'failed', detail: `no template for ${key} in TENCENT_SMS_TEMPLATES` };
    const params = message.kind === 'code'
      ? [message.code, String(Math.max(1, Math.round(message.ttlSeconds / 60)))]
      : [message.device, message.createtime];
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
}
