import { handlersFor } from '../../envelope/define.js';

export const LOCAL = {
  UNKNOWN_TYPE: [100, 'Unknown sample type'],
  BAD_RANGE: [101, 'end_time must be after start_time'],
  TOO_MANY_BUCKETS: [102, 'Too many buckets: use a coarser granularity or a shorter range'],
  BAD_TIMEZONE: [103, 'Unknown time zone'],
} as const;

export const handler = handlersFor(LOCAL);
