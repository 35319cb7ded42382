import fs from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../clock.js';
import type { SmsGateway, SmsMessage, SmsResult } from './gateway.js';

/**
 * The embedded default: every message is appended as one JSON line to
 * $DATA_DIR/sms-outbox.jsonl, where a developer (or a test) reads the code.
 */
export class OutboxGateway implements SmsGateway {
  readonly name = 'outbox';
  readonly file: string;

  constructor(dataDir: string, private readonly clock: Clock) {
    this.file = path.join(dataDir, 'sms-outbox.jsonl');
  }

  async send(message: SmsMessage): Promise<SmsResult> {
    const time = new Date(this.clock.now()).toISOString();
    const line = JSON.stringify(message.kind === 'code'
      ? { time, kind: 'code', phone: message.phone, code: message.code, command_type: message.commandType, ttl_seconds: message.ttlSeconds }
      : { time, kind: 'alert', phone: message.phone, device: message.device, event_id: message.eventId, createtime: message.createtime });
    await fs.appendFile(this.file, line + '\n', { encoding: 'utf8', mode: 0o600 });
    return { ok: true };
  }
}
