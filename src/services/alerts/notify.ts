import type { Logger } from '../../log.js';
import { maskPhone } from '../shared/index.js';
import type { SmsGateway, SmsMessage } from '../sms/index.js';

/** A message that is not about a fall (liveness, pauses): the same for each account it goes to. */
export type Notice = Extract<SmsMessage, { kind: 'offline' | 'online' | 'pause' | 'pause-end' }>;
type Body = Notice extends infer M ? (M extends Notice ? Omit<M, 'phone'> : never) : never;

/**
 * The SMS that are not falls: a camera offline or back, a pause begun or over. Each goes to each
 * account once; a refusal is logged and not retried (the console shows the same news live).
 */
export class Notifier {
  constructor(private readonly gateway: SmsGateway, private readonly log: Logger) {}

  async tell(users: { id: number; phone: string }[], body: Body, log: Logger = this.log): Promise<void> {
    await Promise.all(users.map(async ({ phone }) => {
      const sent = await this.gateway.send({ ...body, phone } as Notice).catch((err: Error) => ({ ok: false as const, detail: err.message }));
      if (!sent.ok) log.warn('notice SMS not sent', { kind: body.kind, device: body.device, phone: maskPhone(phone), detail: 'detail' in sent ? sent.detail : '' });
    }));
  }
}
