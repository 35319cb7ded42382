import { handlersFor } from '../../envelope/define.js';

export const LOCAL = {
  TOKEN_ERROR: [1, 'Error Token'],
} as const;

export const handler = handlersFor(LOCAL);
