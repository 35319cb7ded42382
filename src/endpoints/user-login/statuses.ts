import { handlersFor } from '../../envelope/define.js';

export const LOCAL = {
  INCORRECT_USER: [100, 'Incorrect user'],
  WRONG_PASSWORD: [101, 'Error password'],
  LOCKED: [102, 'Too many failed attempts'],
  HASH_ERROR: [400, 'Error hash'],
  NEW_DEVICE: [441, 'New device: log in with an SMS code (login.sms) to trust it'],
  WECHAT_UNLINKED: [450, 'WeChat account not linked: register or bind with wechat_ticket'],
  WECHAT_BAD_CODE: [451, 'Invalid WeChat code'],
  WECHAT_RATE_LIMITED: [452, 'WeChat login rate limited'],
  WECHAT_BLOCKED: [453, 'WeChat refused this user'],
  WECHAT_BUSY: [454, 'WeChat is busy, try again'],
  WECHAT_DISABLED: [455, 'WeChat login is not enabled'],
} as const;

export const handler = handlersFor(LOCAL);
