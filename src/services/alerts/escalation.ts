import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { AlertStore, DueStep, Outcome, StepKind } from '../../db/alerts.js';
import type { DeviceRow, DeviceStore } from '../../db/devices.js';
import type { Database, Tx } from '../../db/engine.js';
import type { NoticeStore } from '../../db/notices.js';
import type { Logger } from '../../log.js';
import type { Bus } from '../shared/index.js';
import type { NoticeHub } from './hub.js';
import type { WebPush } from './push.js';
import type { SmsGateway, SmsMessage } from '../sms/index.js';

/** Sends tried after the first: the provider refused, so the next waits ALERT_RETRY_SECONDS, then twice, then four times that. */
export const MAX_RETRIES = 3;
const TICK_MS = 1000;
const BATCH = 200;

interface Fall {
  noticeId: number;
  eventId: string;
  device: string;
  createtime: string;
}

/** The setting in force: the camera's own, or the service default. */
export function effective(own: number | null, fallback: number): number {
  return own ?? fallback;
}

/**
 * A fall is not over until someone has seen it. Each stored fall gets its
 * repeat SMS and its call as rows in alert_steps (in the notice's own
 * transaction); a timer fires the due ones. A step is claimed in the database
 * before it is sent, so each fires once, after a restart too; an
 * acknowledgement marks what is left skipped. The same timer declares silent
 * cameras offline.
 */
export class Alerts {
  /** Web Push, when the wiring hands it over: the first step of a fall's chain, beside the SMS. */
  push: WebPush | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private nextTick: Promise<void> | null = null;
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(
    private readonly db: Database,
    private readonly stores: { steps: AlertStore; notices: NoticeStore; devices: DeviceStore },
    /** Where its news goes: streams, phones, the other instances. */
    private readonly out: { hub: NoticeHub; gateway: SmsGateway; bus: Bus },
    private readonly base: { clock: Clock; config: Config; log: Logger },
    private readonly format: (ms: number) => string,
  ) {
    out.bus.on((wake) => {
      if (wake.k === 'device') return this.tellLiveness(wake.device);
    });
  }

  /** Call inside the transaction that stores the notice. */
  async schedule(tx: Tx, noticeId: number, device: DeviceRow, createdAt: number): Promise<void> {
    const repeat = effective(device.alertRepeatSeconds, this.base.config.alertRepeatSeconds);
    const call = effective(device.alertCallSeconds, this.base.config.alertCallSeconds);
    const steps = [
      ...(repeat > 0 ? [{ kind: 'alert-repeat' as const, dueAt: createdAt + repeat * 1000 }] : []),
      ...(call > 0 ? [{ kind: 'call' as const, dueAt: createdAt + call * 1000 }] : []),
    ];
    // one statement for both: it runs while notice inserts take turns
    if (steps.length === 2) await this.stores.steps.addPair(tx, noticeId, steps[0]!, steps[1]!);
    else if (steps.length === 1) await this.stores.steps.add(tx, noticeId, steps[0]!.kind, steps[0]!.dueAt);
  }

  /** An acknowledgement stops whatever has not fired yet: call inside the transaction that records it. */
  async cancel(tx: Tx, noticeId: number, now: number): Promise<void> {
    await this.stores.steps.cancel(tx, noticeId, now);
  }

  /** One message to the provider: null when accepted, else why not (a throw included). */
  private async attempt(message: SmsMessage): Promise<string | null> {
    try {
      const r = await this.out.gateway.send(message);
      return r.ok ? null : r.detail;
    } catch (err) {
      return String((err as Error)?.message ?? err);
    }
  }

  /**
   * Sends one kind of fall alert to each phone; true when every one was accepted. A refusal is logged
   * with the event id and becomes a retry row; none of it ever throws.
   */
  /**
   * The fall's first alerts to its family: Web Push to their browsers (when the server pushes), started
   * first, and the SMS burst beside it, so that a slow push service never holds the SMS back.
   */
  announce(fall: Fall, users: { id: number; phone: string }[], log: Logger = this.base.log): Promise<boolean> {
    const push = this.push;
    const started = this.base.clock.now();
    const pushing = push === null ? Promise.resolve() : this.track(push.deliver(fall, users.map((u) => u.id), log).then(async (o) => {
      if (o.total > 0) await this.db.transaction((tx) => this.stores.steps.recordPush(tx, fall.noticeId, started, o.sent, o.total));
    }).catch((err) => log.error('push not recorded', { event_id: fall.eventId, err })), undefined);
    const sms = this.deliver(fall, 'alert', users.map((u) => u.phone), 0, log);
    return Promise.all([pushing, sms]).then(([, all]) => all);
  }

  deliver(fall: Fall, kind: StepKind, phones: string[], attempts = 0, log: Logger = this.base.log): Promise<boolean> {
    return this.track(this.send(fall, kind, phones, attempts, log), false);
  }

  private async send(fall: Fall, kind: StepKind, phones: string[], attempts: number, log: Logger): Promise<boolean> {
    const results = await Promise.all(phones.map((phone) => this.attempt({ kind, phone, device: fall.device, eventId: fall.eventId, createtime: fall.createtime })));
    const wait = this.base.config.alertRetrySeconds * 2 ** attempts;
    const failed = results.flatMap((failure, i) => (failure === null ? [] : [{ phone: phones[i]!, detail: failure }]));
    const sent = phones.length - failed.length;
    const retry = attempts < MAX_RETRIES;
    const dueAt = this.base.clock.now() + wait * 1000;
    await this.db.transaction(async (tx) => {
      if (retry) for (const { phone } of failed) await this.stores.steps.add(tx, fall.noticeId, kind, dueAt, phone, attempts + 1);
      await this.stores.notices.countSent(tx, fall.noticeId, sent);
      await this.stores.steps.record(tx, fall.noticeId, kind, this.base.clock.now(), sent, phones.length, attempts);
    });
    // logged once the retries are in the database
    for (const { phone, detail } of failed) {
      const fields = { event_id: fall.eventId, kind, phone, attempt: attempts + 1, detail };
      if (retry) log.warn('fall alert not sent: retrying', { ...fields, retry_in_s: wait });
      else log.warn('fall alert not sent: giving up', fields);
    }
    const read = this.db.read;
    if (sent < phones.length && await this.stores.notices.alertsSent(read, fall.noticeId) === 0 && await this.stores.steps.pending(read, fall.noticeId) === 0) {
      log.error('fall alert: every alert failed, nobody was told', { event_id: fall.eventId, device: fall.device });
    }
    return sent === phones.length;
  }

  /**
   * Fires what is due and declares silent cameras offline. Ticks never overlap: called while one runs,
   * it resolves after the next one, which sees what fell due meanwhile.
   */
  tick(): Promise<void> {
    if (this.ticking) {
      this.nextTick ??= this.ticking.then(() => {
        this.nextTick = null;
        return this.tick();
      });
      return this.nextTick;
    }
    this.ticking = this.runTick().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
    void this.tick(); // a step that fell due while the server was down fires at start
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.nextTick;
    await this.ticking;
    await Promise.all([...this.inflight]);
  }

  private async runTick(): Promise<void> {
    try {
      const now = this.base.clock.now();
      for (const step of await this.stores.steps.due(this.db.read, now, BATCH)) await this.fire(step, now);
      await this.sweepOffline(now);
    } catch (err) {
      this.base.log.error('alert tick failed', { err });
    }
  }

  private async fire(step: DueStep, now: number): Promise<void> {
    if (!(await this.db.transaction((tx) => this.stores.steps.claim(tx, step.id, now)))) return;
    const setting = step.kind === 'alert-repeat' ? step.alertRepeatSeconds : step.kind === 'call' ? step.alertCallSeconds : null;
    const phones = step.phone !== null ? [step.phone] : (await this.stores.devices.boundUsers(this.db.read, step.deviceRowId)).map((u) => u.phone);
    if (step.ackAt !== null || setting === 0 || phones.length === 0) return this.finish(step.id, 'skipped');
    this.base.log.info('fall alert escalated', { event_id: step.eventId, kind: step.kind, phones: phones.length, attempt: step.attempts + 1 });
    const all = await this.deliver({ noticeId: step.noticeId, eventId: step.eventId, device: step.deviceName, createtime: this.format(step.createdAt) },
      step.kind, phones, step.attempts);
    await this.finish(step.id, all ? 'sent' : 'failed');
  }

  /** The scheduled steps and the sends made for a fall, for its timeline. */
  timeline(noticeId: number): ReturnType<AlertStore['timeline']> {
    return this.stores.steps.timeline(this.db.read, noticeId);
  }

  private finish(stepId: number, outcome: Outcome): Promise<void> {
    return this.db.transaction((tx) => this.stores.steps.finish(tx, stepId, outcome));
  }

  /** A heartbeat (or an upload from a camera that sends them). */
  async heardFrom(device: DeviceRow, heartbeat: boolean): Promise<void> {
    const now = this.base.clock.now();
    if (!(await this.db.transaction((tx) => this.stores.devices.heardFrom(tx, device.id, now, heartbeat)))) return;
    this.base.log.info('camera back online', { device: device.deviceId });
    void this.track(this.liveness(device, true, now), undefined);
  }

  private async sweepOffline(now: number): Promise<void> {
    const before = now - this.base.config.cameraOfflineSeconds * 1000;
    for (const device of await this.stores.devices.goneSilent(this.db.read, before, BATCH)) {
      if (!(await this.db.transaction((tx) => this.stores.devices.markOffline(tx, device.id, before)))) continue;
      this.base.log.warn('camera offline', { device: device.deviceId, last_seen: this.format(device.lastSeenAt!) });
      await this.liveness(device, false, device.lastSeenAt!);
    }
  }

  /** stop() waits for sends in flight, so that their outcome is written before the database closes. */
  private track<T>(work: Promise<T>, onError: T): Promise<T> {
    const tracked = work.catch((err) => {
      this.base.log.error('alert bookkeeping failed', { err });
      return onError;
    });
    this.inflight.add(tracked);
    void tracked.finally(() => this.inflight.delete(tracked));
    return tracked;
  }

  /** A camera went offline or came back (here or on another instance): its accounts' streams are told, from the row. */
  private async tellLiveness(deviceRowId: number): Promise<void> {
    const device = await this.stores.devices.byRowId(this.db.read, deviceRowId);
    if (!device || device.lastSeenAt === null) return;
    const users = await this.stores.devices.boundUsers(this.db.read, device.id);
    this.out.hub.publish(users.map((u) => u.id), {
      type: 'device', data: { device_id: device.deviceId, device_name: device.name, online: device.offline === 0, last_seen: this.format(device.lastSeenAt) },
    });
  }

  private async liveness(device: DeviceRow, online: boolean, lastSeen: number): Promise<void> {
    await this.out.bus.send(null, { k: 'device', device: device.id }).catch((err) => this.base.log.error('other instances not told of a camera', { device: device.deviceId, err }));
    const users = await this.stores.devices.boundUsers(this.db.read, device.id);
    const last = this.format(lastSeen);
    await Promise.all(users.map(async ({ phone }) => {
      const failure = await this.attempt({ kind: online ? 'online' : 'offline', phone, device: device.name, lastSeen: last });
      if (failure !== null) this.base.log.warn('camera liveness SMS not sent', { device: device.deviceId, phone, detail: failure });
    }));
  }
}
