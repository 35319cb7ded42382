import { handlersFor } from '../../envelope/define.js';

export const LOCAL = {
  USER_NOT_FOUND: [100, 'user not existed'],
} as const;

export const handler = handlersFor(LOCAL);
