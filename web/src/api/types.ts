/**
 * What the API sends the console, as the console reads it. A fall is the server's own PublicNotice
 * (src/services/alerts/public-notice.ts), imported as a type, so that the two cannot drift.
 */
export type { Pause, PublicNotice as Notice, Verdict } from '../../../src/services/alerts/public-notice';

/** A camera's liveness, in device.list and the stream's `device` events. */
export interface Liveness {
  device_id: string;
  device_name: string;
  online: boolean | null;
  last_seen: string | null;
}
