import { handlersFor } from '../../envelope/define.js';

export const LOCAL = {
  PHONE_EXISTS: [101, 'Phone number existed'],
  EXPORT_NOT_FOUND: [102, 'No such export'],
  EXPORT_BUSY: [103, 'An export is already being made'],
  EXPORT_LIMIT: [104, 'Too many exports today: at most 3 a day'],
  QUIET_EMPTY: [105, 'Quiet hours must not start and end at the same time'],
  QUIET_BOTH: [106, 'Either from and to, or off'],
  HASH_ERROR: [400, 'Error hash'],
} as const;

export const handler = handlersFor(LOCAL);
