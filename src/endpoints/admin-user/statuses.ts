import { handlersFor } from '../../envelope/define.js';

export const LOCAL = {
  USER_NOT_FOUND: [100, 'user not existed'],
  OWN_ROLE: [101, 'an admin cannot change their own role'],
  BAD_RANGE: [102, 'from must be a time before to, at most 366 days apart'],
} as const;

export const handler = handlersFor(LOCAL);
