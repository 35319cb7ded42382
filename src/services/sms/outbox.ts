import fs from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../clock.js';
import { randomHex128 } from '../shared/index.js';
import { isCall, type SmsGateway, type SmsMessage, type SmsResult } from './gateway.js';

function lineOf(time: string, m: SmsMessage, callId: string | undefined): Record<string, unknown> {
  switch (m.kind) {
    case 'code': return { time, kind: m.kind, phone: m.phone, code: m.code, command_type: m.commandType, ttl_seconds: m.ttlSeconds };
    case 'offline':
    case 'online': return { time, kind: m.kind, phone: m.phone, device: m.device, last_seen: m.lastSeen };
    case 'pause': return { time, kind: m.kind, phone: m.phone, device: m.device, by: m.by, until: m.until, reason: m.reason };
    case 'pause-end': return { time, kind: m.kind, phone: m.phone, device: m.device, how: m.how, by: m.by };
    case 'drill':
    case 'drill-call': return { time, kind: m.kind, phone: m.phone, device: m.device, invite: m.invite, ...(callId ? { call_id: callId } : {}) };
    case 'summary': return { time, kind: m.kind, phone: m.phone, count: m.count, lines: m.lines };
    case 'acknowledged': return { time, kind: m.kind, phone: m.phone, device: m.device, event_id: m.eventId, createtime: m.createtime, open: m.open };
    default: return { time, kind: m.kind, phone: m.phone, device: m.device, event_id: m.eventId, createtime: m.createtime, invite: m.invite, ...(callId ? { call_id: callId } : {}) };
  }
}

/**
 * The embedded default: every message (SMS or voice call) is appended as one JSON
 * line to $DATA_DIR/sms-outbox.jsonl with its kind, where a developer (or a test) reads the code and
 * follows a fall's whole conversation. A call gets a random call_id, as a provider's CallId, which a
 * keypress callback posted by hand can name.
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
    const callId = isCall(message.kind) ? randomHex128() : undefined;
    const line = JSON.stringify(lineOf(time, message, callId)) + '\n';
    return new Promise<SmsResult>((resolve, reject) => {
      this.queued.push({ line, done: (err) => (err ? reject(err) : resolve(callId ? { ok: true, callId } : { ok: true })) });
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
