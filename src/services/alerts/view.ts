import { RECORD_DAYS, type RecordCounts } from '../../db/camera-days.js';
import type { NoticeRow } from '../../db/notices.js';
import { maskPhone } from '../shared/index.js';
import type { Acknowledgement, CameraRecord, Channel, Pause, PublicNotice, Resident, Verdict } from './public-notice.js';

/** The columns a notice's public view is made of. */
export type ViewedRow = Pick<NoticeRow, 'eventId' | 'content' | 'device' | 'picName' | 'createdAt' | 'ackAt' | 'ackPhone' | 'ackChannel' | 'ackBy' | 'residentAnswer' | 'residentAt' | 'photoOk' | 'verdict' | 'verdictNote' | 'verdictPhone' | 'verdictAt' | 'photoRemovedAt' | 'pausedBy' | 'pausedUntil' | 'pausedReason'>;

/** How a stored notice is shown to clients: below the other notice flows, which all use it. */
export class NoticeView {
  private readonly format: Intl.DateTimeFormat;

  constructor(timeZone: string) {
    this.format = new Intl.DateTimeFormat('sv-SE', {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
    });
  }

  /** `YYYY-MM-DD HH:MM:SS` in NOTICE_TIMEZONE, as the legacy server wrote it. */
  createtime(ms: number): string {
    return this.format.format(ms);
  }

  /** A fall as clients see it, with its camera's record before it (NoticeStore.records; none found: no falls before it). */
  toPublic(row: ViewedRow, record: RecordCounts | undefined): PublicNotice {
    return { ...this.describe(row), camera_record: this.record(record) };
  }

  record(counts: RecordCounts | undefined): CameraRecord {
    return { falls: counts?.falls ?? 0, real: counts?.real ?? 0, false_alarms: counts?.falseAlarms ?? 0, days: RECORD_DAYS };
  }

  /** What a fall's row says of it, without its camera's record (for the parts a caller needs: its verdict, its time). */
  describe(row: ViewedRow): Omit<PublicNotice, 'camera_record'> {
    return {
      event_id: row.eventId, content: row.content, device: row.device, pic_name: row.picName, createtime: this.createtime(row.createdAt),
      acknowledged: this.acknowledgement(row),
      photo_ok: row.photoOk === 1,
      verdict: row.verdict === null ? null : { verdict: row.verdict as Verdict['verdict'], note: row.verdictNote, phone: row.verdictPhone!, at: this.createtime(row.verdictAt!) },
      photo: row.photoRemovedAt === null ? `/app/photo/${row.eventId}` : null,
      resident: row.residentAnswer === null ? null : { answer: row.residentAnswer as Resident['answer'], at: this.createtime(row.residentAt!) },
      paused: this.pause({ until: row.pausedUntil, by: row.pausedBy, reason: row.pausedReason }),
    };
  }

  /** A camera's pause as clients see it (on a fall, in device.list, in streams), or null. */
  pause(p: { until: number | null; by: string | null; reason: string | null } | null): Pause | null {
    return p === null || p.until === null ? null : { by: p.by!, until: this.createtime(p.until), reason: p.reason };
  }

  /** Who saw it first, and how; the last resort (not an account) by its number masked. */
  acknowledgement(row: Pick<ViewedRow, 'ackAt' | 'ackPhone' | 'ackChannel' | 'ackBy'>): Acknowledgement | null {
    if (row.ackAt === null) return null;
    const channel = (row.ackChannel ?? 'app') as Channel;
    const at = this.createtime(row.ackAt);
    return row.ackBy === 'last_resort' ? { phone: maskPhone(row.ackPhone!), at, channel, last_resort: true } : { phone: row.ackPhone!, at, channel };
  }
}
