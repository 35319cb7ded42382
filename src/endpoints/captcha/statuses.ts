import { handlersFor } from '../../envelope/define.js';

/** The seed's local table, plus the Tencent Cloud SMS codes the legacy server passed through. */
export const LOCAL = {
  CAPTCHA_MISMATCH: [100, 'Error captcha hash'],
  CAPTCHA_BUSY: [101, 'Too many captchas pending'],
  PHONE_FORMAT: [1016, '手机号格式错误'],
  SMS_LIMIT_30S: [1023, '单个手机号30秒内下发短信条数超过设定的上限'],
  SMS_LIMIT_HOUR: [1024, '单个手机号1小时内下发短信条数超过设定的上限'],
  SMS_LIMIT_DAY: [1025, '单个手机号日下发短信条数超过设定的上限'],
} as const;

export const handler = handlersFor(LOCAL);
