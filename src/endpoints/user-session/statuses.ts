import { handlersFor } from '../../envelope/define.js';

export const LOCAL = {
  SESSION_NOT_FOUND: [100, 'Session not found'],
  BAD_TICKET: [101, 'Invalid wechat_ticket'],
  WECHAT_TAKEN: [102, 'WeChat account already linked'],
  BAD_RANGE: [103, 'from must be a time before to'],
} as const;

export const handler = handlersFor(LOCAL);
