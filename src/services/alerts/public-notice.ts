/**
 * What clients are told of a fall, in lists, in streams and (plus base64) in notice.info: the wire's
 * types, with no code. The console imports them from here (web/src/api/types.ts), so the two cannot drift.
 */

/** A notice as clients see it in lists, in streams and (plus base64) in notice.info. */
export interface PublicNotice {
  event_id: string;
  content: string;
  device: string;
  pic_name: string;
  createtime: string;
  /** The first bound account to open or sign it, or null. */
  acknowledged: { phone: string; at: string } | null;
  /** false when the photo was stored as sent but is incomplete or does not check out. */
  photo_ok: boolean;
  /** A bound account's word on it (the last one given): a real fall or not, with its note, who and when; or null. */
  verdict: Verdict | null;
  /** Where the console shows the photo (/app/photo/<event_id>); null once the retention sweep removed it. */
  photo: string | null;
}

export interface Verdict {
  verdict: 'fall' | 'false_alarm';
  note: string | null;
  phone: string;
  at: string;
}

/** What an open alert stream is sent. Only `notice` events carry an SSE id (the notice's row id). */
export type StreamEvent =
  | { type: 'notice'; seq: number; data: PublicNotice }
  | { type: 'acknowledged'; data: { event_id: string; acknowledged: { phone: string; at: string } } }
  | { type: 'verdict'; data: { event_id: string; verdict: Verdict } }
  | { type: 'device'; data: { device_id: string; device_name: string; online: boolean; last_seen: string | null } };
