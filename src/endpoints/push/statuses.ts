import { handlersFor } from '../../envelope/define.js';

export const LOCAL = {
  ENDPOINT_REFUSED: [100, 'Push endpoint not allowed'],
  KEYS_INVALID: [101, 'Push subscription keys invalid'],
  NOT_SUBSCRIBED: [102, 'No such push subscription'],
} as const;

export const handler = handlersFor(LOCAL);
