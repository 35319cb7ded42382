import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { DeviceRow, DeviceStore } from '../../db/devices.js';
import type { DrillChannel, DrillStore } from '../../db/drills.js';
import type { UserStore } from '../../db/users.js';
import type { Database } from '../../db/engine.js';
import type { Logger } from '../../log.js';
import { type Actor, type AuditLog, maskPhone, randomHex128, sha256Hex } from '../shared/index.js';
import type { SmsGateway } from '../sms/index.js';
import type { QuietStore } from '../../db/quiet.js';
import type { Notifier } from './notify.js';
import type { WebPush } from './push.js';

class WrongNumber extends Error {}

/** How long a drill's message may be proved after it was sent. */
const PROOF_MS = 24 * 3600_000;
const BATCH = 20;

/** One account's channels as the reach table shows them: the newest try of each, and when it was last proved. */
export interface Reach {
  name: string;
  phone: string;
  channels: Record<DrillChannel, { tried: number; outcome: string; proved: number | null; last_proved: number | null } | null>;
}

/**
 * Drills prove the chain before the night it is needed: every bound account gets a test push on each of
 * its subscriptions (the service worker POSTs its proof), an SMS asking for a reply of 1, and, when
 * asked, a call asking for a 1. Each is a drill_checks row; what comes back proves it. Subscriptions
 * the push service says are gone are dropped. DRILL_EVERY_DAYS sends one to every camera's family on
 * schedule (the update of devices.last_drill_at is the claim: once, on any instance), leaving out the
 * accounts in their quiet hours.
 */
export class Drills {
  constructor(
    private readonly db: Database,
    private readonly stores: { drills: DrillStore; devices: DeviceStore; users: UserStore },
    private readonly out: { push: WebPush; gateway: SmsGateway; audit: AuditLog; notifier: Notifier; quiet: QuietStore },
    private readonly base: { clock: Clock; config: Config; log: Logger },
  ) {}

  /** Sends a drill to the camera's family now; `who` null for a scheduled one. How many of each went. */
  async start(device: DeviceRow, who: Actor | null, withCall: boolean, log: Logger = this.base.log): Promise<Record<DrillChannel, number>> {
    const now = this.base.clock.now();
    let users = await this.stores.devices.boundUsers(this.db.read, device.id);
    // a scheduled drill leaves out the accounts in their quiet hours (a test is not worth waking anyone)
    if (who === null) {
      const hours = await this.out.quiet.of(this.db.read, users.map((u) => u.id));
      users = users.filter((u) => !this.out.notifier.isQuiet(hours.get(u.id), now));
    }
    const invite = this.base.config.callbackSecret !== '';
    const rows: Parameters<DrillStore['add']>[1] = [];
    const sent = { push: 0, sms: 0, call: 0 };
    await Promise.all(users.map(async (u) => {
      for (const p of await this.out.push.drill(u.id, device.name, randomHex128, log)) {
        rows.push({ deviceId: device.id, userId: u.id, channel: 'push', proof: sha256Hex(p.token), sentAt: now, outcome: p.outcome });
        if (p.outcome === 'sent') sent.push++;
      }
      const sms = await this.out.gateway.send({ kind: 'drill', phone: u.phone, device: device.name, invite }).catch((err: Error) => ({ ok: false as const, detail: err.message }));
      rows.push({ deviceId: device.id, userId: u.id, channel: 'sms', proof: null, sentAt: now, outcome: sms.ok ? 'sent' : 'failed' });
      if (sms.ok) sent.sms++;
      if (!withCall) return;
      const call = await this.out.gateway.send({ kind: 'drill-call', phone: u.phone, device: device.name, invite }).catch((err: Error) => ({ ok: false as const, detail: err.message }));
      rows.push({ deviceId: device.id, userId: u.id, channel: 'call', proof: call.ok ? call.callId ?? null : null, sentAt: now, outcome: call.ok ? 'sent' : 'failed' });
      if (call.ok) sent.call++;
    }));
    await this.db.transaction(async (tx) => {
      await this.stores.drills.add(tx, rows);
      await this.stores.drills.touch(tx, device.id, now);
      if (who) await this.out.audit.record(tx, who, 'device.drill', { deviceId: device.deviceId }, { ...sent, accounts: users.length });
    });
    log.info('drill sent', { device: device.deviceId, accounts: users.length, ...sent, scheduled: who === null });
    return sent;
  }

  /** The service worker's proof that a drill's push arrived; false when it proves nothing (unknown, old, used). */
  async provePush(token: string): Promise<boolean> {
    const now = this.base.clock.now();
    return (await this.db.transaction((tx) => this.stores.drills.prove(tx, 'push', sha256Hex(token), now - PROOF_MS, now))) !== null;
  }

  /** A 1 on a drill's call (the voice callback): true when the call was a drill's to this number. */
  async proveCall(callId: string, phone: string): Promise<boolean> {
    const now = this.base.clock.now();
    const user = await this.stores.users.byPhone(this.db.read, phone);
    if (!user) return false;
    // proved only by the number it called: another's 1 rolls the proof back
    return this.db.transaction(async (tx) => {
      const userId = await this.stores.drills.prove(tx, 'call', callId, now - PROOF_MS, now);
      if (userId !== null && userId !== user.id) throw new WrongNumber();
      return userId !== null;
    }).catch((err) => {
      if (err instanceof WrongNumber) return false;
      throw err;
    });
  }

  /** A reply of 1 that answers no fall: it proves the newest drill SMS to this phone's account in the reply window. */
  async proveSms(phone: string): Promise<boolean> {
    const now = this.base.clock.now();
    const since = now - this.base.config.alertReplyWindowSeconds * 1000;
    const user = await this.stores.users.byPhone(this.db.read, phone);
    return !!user && this.db.transaction((tx) => this.stores.drills.proveSms(tx, user.id, since, now));
  }

  /** Who is reachable by which channel, and when that was last proved: the newest try of each, per bound account. */
  async reach(device: DeviceRow): Promise<Reach[]> {
    const family = await this.stores.devices.family(this.db.read, device.id);
    const checks = await this.stores.drills.checks(this.db.read, device.id);
    return family.map((m) => {
      const of = (channel: DrillChannel) => {
        const mine = checks.filter((c) => c.userId === m.id && c.channel === channel);
        if (mine.length === 0) return null;
        // the newest drill's checks (push: one per subscription): sent if any went, proved if any came back
        const tried = mine[0]!.sentAt;
        const latest = mine.filter((c) => c.sentAt === tried);
        const provedAt = (list: typeof mine) => list.reduce<number | null>((m, c) => (c.provedAt !== null && (m === null || c.provedAt > m) ? c.provedAt : m), null);
        return { tried, outcome: latest.some((c) => c.outcome === 'sent') ? 'sent' : latest[0]!.outcome, proved: provedAt(latest), last_proved: provedAt(mine) };
      };
      return { name: m.nickname || maskPhone(m.phone), phone: maskPhone(m.phone), channels: { push: of('push'), sms: of('sms'), call: of('call') } };
    });
  }

  /** DRILL_EVERY_DAYS: every camera not drilled for that long gets one (each once, on whichever instance claims it). */
  async sweep(now: number): Promise<void> {
    const days = this.base.config.drillEveryDays;
    if (days <= 0) return;
    for (const d of await this.stores.drills.due(this.db.read, now - days * 86_400_000, BATCH)) {
      if (!(await this.db.transaction((tx) => this.stores.drills.claim(tx, d.id, d.lastDrillAt, now)))) continue;
      const device = await this.stores.devices.byRowId(this.db.read, d.id);
      if (device) await this.start(device, null, false);
    }
  }
}
