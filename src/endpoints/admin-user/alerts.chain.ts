import { handler } from './statuses.js';

const DAY = 86_400_000;
/** The unacknowledged falls listed by name. */
const RECENT = 20;

/** Who sends each kind of message: what an operator checks when a kind starts failing. */
function providerOf(kind: string, config: { sms: { gateway: string }; }, voice: boolean): string {
  if (kind === 'pushed') return 'web-push';
  if (kind === 'call' || kind.endsWith('-call')) return voice ? 'tencent-vms' : 'none';
  return config.sms.gateway === 'tencent' ? 'tencent-sms' : 'outbox';
}

/**
 * The alert chain now: escalation steps still to send, the last 24 hours of sends by kind and
 * provider (accepted and failed), and the falls of those 24 hours that nobody acknowledged.
 */
export default handler({
  type: 'alerts', subtype: 'chain', auth: 'admin', success: 'successful',
  async run(_data, { panels, noticeView, read, clock, config, ok }) {
    const now = clock.now();
    const rows = await panels.chain(read, now - DAY, RECENT);
    const voice = config.sms.tencent?.voice != null;
    const sends = new Map<string, { kind: string; provider: string; messages: number; accepted: number; failed: number; partial: number; sent: number }>();
    for (const r of rows.filter((x) => x.section === 'sent')) {
      const entry = sends.get(r.kind) ?? { kind: r.kind, provider: providerOf(r.kind, config, voice), messages: 0, accepted: 0, failed: 0, partial: 0, sent: 0 };
      entry.messages += r.total;
      entry.accepted += r.sent;
      entry.sent += r.n;
      if (r.outcome === 'failed') entry.failed += r.n;
      if (r.outcome === 'partial') entry.partial += r.n;
      sends.set(r.kind, entry);
    }
    const unacked = rows.find((r) => r.section === 'unacked');
    return ok({
      pending: rows.filter((r) => r.section === 'pending').map((r) => ({ kind: r.kind, steps: r.n, next_due: r.at === null ? null : noticeView.createtime(r.at) })),
      last_24h: [...sends.values()],
      unacknowledged_24h: unacked?.n ?? 0,
      unacknowledged: rows.filter((r) => r.section === 'recent').map((r) => ({
        event_id: r.eventId, device: r.device, createtime: noticeView.createtime(r.at!), minutes: Math.floor((now - r.at!) / 60_000),
      })),
    });
  },
});
