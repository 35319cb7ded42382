import { handlersFor } from '../../envelope/define.js';

export const LOCAL = {
  SESSION_NOT_FOUND: [100, 'Session not found'],
  BAD_TICKET: [101, 'Invalid wechat_ticket'],
  WECHAT_TAKEN: [102, 'WeChat account already linked'],
} as const;

export const handler = handlersFor(LOCAL);
