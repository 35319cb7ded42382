import { handlersFor } from '../../envelope/define.js';

export const LOCAL = {
  IMAGE_INVALID: [100, 'Image is not a readable JPEG, PNG or WebP'],
  IMAGE_TOO_LARGE: [101, 'Image too large'],
  FILE_NOT_FOUND: [102, 'Uploaded file not found'],
} as const;

export const handler = handlersFor(LOCAL);
