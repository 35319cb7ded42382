import { handlersFor } from '../../envelope/define.js';

export const LOCAL = {
  IMAGE_INVALID: [100, 'Image is not a readable JPEG, PNG or WebP'],
  IMAGE_TOO_LARGE: [101, 'Image too large'],
  TOO_MANY_NOTICES: [102, 'Too many notices from this device'],
} as const;

export const handler = handlersFor(LOCAL);
