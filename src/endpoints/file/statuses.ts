import { handlersFor } from '../../envelope/define.js';

/** For file.params and for the multipart POST /file/upload that follows it. */
export const LOCAL = {
  BAD_GRANT: [100, 'Invalid or expired upload grant'],
  TOO_LARGE: [101, 'File too large'],
  MALFORMED: [102, 'Malformed upload: send the form_data fields, then the file'],
} as const;

export const handler = handlersFor(LOCAL);
