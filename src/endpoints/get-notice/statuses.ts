import { handlersFor } from '../../envelope/define.js';

export const LOCAL = {
  EVENT_NOT_FOUND: [100, 'Error event_id'],
  ALREADY_SIGNED: [101, 'event_id has been signed'],
  MODE_ERROR: [102, 'mode value error'],
  PHOTO_REMOVED: [103, 'photo removed: older than the retention period'],
  GET_NOTICE_ERROR: [200, 'GetNotice error'],
} as const;

export const handler = handlersFor(LOCAL);
