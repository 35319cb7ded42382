import fs from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../clock.js';
import type { SmsGateway, SmsMessage, SmsResult } from './gateway.js';

function lineOf(time: string, m: SmsMessage): Record<string, unknown> {
  switch (m.kind) {
    case 'code': return { time, kind: m.kind, phone: m.phone, code: m.code, command_type: m.commandType, ttl_seconds: m.ttlSeconds };
    case 'offline':
    case 'online': return { time, kind: m.kind, phone: m.phone, device: m.device, last_seen: m.lastSeen };
    default: return { time, kind: m.kind, phone: m.phone, device: m.device, event_id: m.eventId, createtime: m.createtime };
  }
}

/**
 * The embedded default: every message (SMS or voice call) is appended as one JSON
 * line to $DATA_DIR/sms-outbox.jsonl, where a developer (or a test) reads the code.
 */
export class OutboxGateway implements SmsGateway {
  readonly name = 'outbox';
  readonly file: string;

  constructor(dataDir: string, private readonly clock: Clock) {
    this.file = path.join(dataDir, 'sms-outbox.jsonl');
  }

  private queued: { line: string; done: (err?: unknown) => void }[] = [];
  private writing = false;

  /** Lines sent while a write is under way go out together in the next one (a fall to 1,000 phones is one append). */
  send(message: SmsMessage): Promise<SmsResult> {
    const time = new Date(this.clock.now()).toISOString();
    const line = JSON.stringify(lineOf(time, message)) + '\n';
    return new Promise<SmsResult>((resolve, reject) => {
      this.queued.push({ line, done: (err) => (err ? reject(err) : resolve({ ok: true })) });
      if (!this.writing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    while (this.queued.length) {
      const batch = this.queued;
      this.queued = [];
      try {
        await fs.appendFile(this.file, batch.map((b) => b.line).join(''), { encoding: 'utf8', mode: 0o600 });
        for (const b of batch) b.done();
      } catch (err) {
        for (const b of batch) b.done(err);
      }
    }
    this.writing = false;
  }
}
