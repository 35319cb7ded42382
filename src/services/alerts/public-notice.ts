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
  /** The first to see it (a bound account, or the last-resort number), how and when; or null. */
  acknowledged: Acknowledgement | null;
  /** false when the photo was stored as sent but is incomplete or does not check out. */
  photo_ok: boolean;
  /** A bound account's word on it (the last one given): a real fall or not, with its note, who and when; or null. */
  verdict: Verdict | null;
  /** Where the console shows the photo (/app/photo/<event_id>); null once the retention sweep removed it. */
  photo: string | null;
  /** The resident's answer when the camera asks the resident first, or null. */
  resident: Resident | null;
  /** The camera was paused when it fell (device.pause): stored and streamed, but nobody was phoned; or null. */
  paused: Pause | null;
  /** This camera's falls in the `days` before this one, and how its family judged them: it informs, it never changes who is woken. */
  camera_record: CameraRecord;
}

/** A camera's falls before a fall: how many, how many judged a real fall, how many judged not a fall, over how many days. */
export interface CameraRecord {
  falls: number;
  real: number;
  false_alarms: number;
  days: number;
}

/** A camera's pause: which bound account started it (phone), until when, and why (or null). */
export interface Pause {
  by: string;
  until: string;
  reason: string | null;
}

/** How a fall was acknowledged: in the console, in an app (notice.info, notice.sign), by 1 on a call, by a reply of 1 to an SMS. */
export type Channel = 'console' | 'app' | 'call' | 'sms';

/** `last_resort`: the camera's last-resort number (shown masked) answered, not a family member. */
export interface Acknowledgement {
  phone: string;
  at: string;
  channel: Channel;
  last_resort?: true;
}

/** calling: the call is under way (at: when it was placed); ok (pressed 1), help (pressed 2), no_answer (or busy, failed, out of time). */
export interface Resident {
  answer: 'calling' | 'ok' | 'help' | 'no_answer';
  at: string;
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
  | { type: 'acknowledged'; data: { event_id: string; acknowledged: Acknowledgement } }
  | { type: 'resident'; data: { event_id: string; resident: Resident } }
  | { type: 'verdict'; data: { event_id: string; verdict: Verdict } }
  | { type: 'device'; data: { device_id: string; device_name: string; online: boolean; last_seen: string | null } }
  | { type: 'paused'; data: { device_id: string; device_name: string; paused: Pause | null } };
