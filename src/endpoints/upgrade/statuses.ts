import { handlersFor } from '../../envelope/define.js';

export const LOCAL = {
  NO_PACKAGE: [100, 'No upgrade package'],
  VERSION_EXISTS: [101, 'Version existed'],
  FILE_NOT_FOUND: [102, 'Uploaded file not found'],
  PACKAGE_NOT_FOUND: [103, 'No such upgrade package'],
} as const;

export const handler = handlersFor(LOCAL);
