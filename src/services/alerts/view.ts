import type { NoticeRow } from '../../db/notices.js';
import type { PublicNotice, Verdict } from './public-notice.js';

/** The columns a notice's public view is made of. */
export type ViewedRow = Pick<NoticeRow, 'eventId' | 'content' | 'device' | 'picName' | 'createdAt' | 'ackAt' | 'ackPhone' | 'photoOk' | 'verdict' | 'verdictNote' | 'verdictPhone' | 'verdictAt' | 'photoRemovedAt'>;

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

  toPublic(row: ViewedRow): PublicNotice {
    return {
      event_id: row.eventId, content: row.content, device: row.device, pic_name: row.picName, createtime: this.createtime(row.createdAt),
      acknowledged: row.ackAt === null ? null : { phone: row.ackPhone!, at: this.createtime(row.ackAt) },
      photo_ok: row.photoOk === 1,
      verdict: row.verdict === null ? null : { verdict: row.verdict as Verdict['verdict'], note: row.verdictNote, phone: row.verdictPhone!, at: this.createtime(row.verdictAt!) },
      photo: row.photoRemovedAt === null ? `/app/photo/${row.eventId}` : null,
    };
  }
}
