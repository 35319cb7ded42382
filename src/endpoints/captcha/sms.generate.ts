import type { SendRefusal } from '../../services/accounts/index.js';
import { handler, LOCAL } from './statuses.js';

export const MAINLAND_MOBILE = /^1[3-9][0-9]{9}$/;

const STATUS: Record<SendRefusal, keyof typeof LOCAL | 'UNKNOWN'> = {
  LIMIT_30S: 'SMS_LIMIT_30S',
  LIMIT_HOUR: 'SMS_LIMIT_HOUR',
  LIMIT_DAY: 'SMS_LIMIT_DAY',
  BAD_PHONE: 'PHONE_FORMAT',
  FAILED: 'UNKNOWN',
};

export default handler<{ phone: string; command_type?: number }>({
  type: 'sms', subtype: 'generate', auth: 'public', success: 'Successful',
  async run({ phone, command_type = 1 }, { codes, ip, log, ok, fail }) {
    if (!MAINLAND_MOBILE.test(phone)) return fail('PHONE_FORMAT');
    const sent = await codes.send(phone, command_type, ip, log);
    if (sent.ok) return ok({ rand: sent.rand });
    return fail(STATUS[sent.refusal], sent.retryAfter ? { retry_after: sent.retryAfter } : {});
  },
});
