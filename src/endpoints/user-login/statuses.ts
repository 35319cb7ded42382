import { handlersFor } from '../../envelope/define.js';

export const LOCAL = {
  INCORRECT_USER: [100, 'Incorrect user'],
  WRONG_PASSWORD: [101, 'Error password'],
  LOCKED: [102, 'Too many failed attempts'],
} as const;

export const handler = handlersFor(LOCAL);
