import { handlersFor } from '../../envelope/define.js';

export const LOCAL = {
  PHONE_EXISTS: [101, 'Phone number existed'],
  HASH_ERROR: [400, 'Error hash'],
  BAD_TICKET: [401, 'Invalid wechat_ticket'],
  WECHAT_TAKEN: [403, 'WeChat account already linked'],
} as const;

export const handler = handlersFor(LOCAL);
