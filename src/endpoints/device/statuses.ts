import { handlersFor } from '../../envelope/define.js';

/** 101 has two meanings here, as in the legacy API: a taken name on add, an existing binding on bind. */
export const LOCAL = {
  DEVICE_NOT_FOUND: [100, 'device_id not exist'],
  DUPLICATE_DEVICE: [101, 'Duplicate device'],
  ALREADY_BOUND: [101, 'The device has already be bind'],
  NO_SUCH_DEVICE: [103, 'No Such Device'],
  ANSWERS_OFF: [105, 'Answers by phone are off on this server: no resident or last-resort number'],
  ROTA_EMPTY: [106, 'A rota needs at least one shift'],
  NOT_FAMILY: [107, 'A shift names a phone not bound to this camera'],
  BAD_TIME_ZONE: [108, 'Unknown time zone'],
  DRILL_LIMIT: [109, 'A drill was sent to this camera a moment ago'],
  PAIRING_GONE: [410, 'Pairing code expired or used'],
  PAIRING_THROTTLED: [429, 'Too many pairing attempts'],
} as const;

export const SHARED = [101] as const;

export const handler = handlersFor(LOCAL);
