import { handlersFor } from '../../envelope/define.js';

export const LOCAL = {
  PHONE_EXISTS: [101, 'Phone number existed'],
  HASH_ERROR: [400, 'Error hash'],
} as const;

export const handler = handlersFor(LOCAL);
