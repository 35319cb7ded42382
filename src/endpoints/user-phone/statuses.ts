import { handlersFor } from '../../envelope/define.js';

export const LOCAL = {
  PHONE_EXISTS: [101, 'Phone number existed'],
  EXPORT_NOT_FOUND: [102, 'No such export'],
  EXPORT_BUSY: [103, 'An export is already being made'],
  EXPORT_LIMIT: [104, 'Too many exports today: at most 3 a day'],
  HASH_ERROR: [400, 'Error hash'],
} as const;

export const handler = handlersFor(LOCAL);
