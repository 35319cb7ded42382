import type { Clock } from '../../clock.js';
import { pauseOf, type DeviceRow, type DeviceStore } from '../../db/devices.js';
import type { Database } from '../../db/engine.js';
import type { Logger } from '../../log.js';
import type { Actor, AuditLog, Bus } from '../shared/index.js';
import type { NoticeHub } from './hub.js';
import type { Notifier } from './notify.js';
import type { Pause } from './public-notice.js';
import type { NoticeView } from './view.js';

/** How long a pause may be asked for, in minutes. */
export const PAUSE_MINUTES = { min: 15, max: 480 } as const;
const BATCH = 200;

/**
 * A pause per camera (a carer's visit, exercises on the mat): while it lasts, falls are stored and
 * streamed but nobody is phoned (ingest checks the camera's row). It lives on the camera's row, so every
 * instance sees it; the sweep ends the ones that ran out, each exactly once (the update that clears the
 * row is the claim). Every bound account gets an SMS when one starts and when it ends, and every stream
 * an event `paused`.
 */
export class Pauses {
  constructor(
    private readonly db: Database,
    private readonly devices: DeviceStore,
    private readonly out: { notifier: Notifier; audit: AuditLog; hub: NoticeHub; bus: Bus },
    private readonly base: { clock: Clock; view: NoticeView; log: Logger },
  ) {
    out.bus.on((wake) => {
      if (wake.k === 'pause') return this.tellStreams(wake.device);
    });
  }

  /** The camera's pause as clients see it, or null. */
  of(device: DeviceRow): Pause | null {
    return this.base.view.pause(pauseOf(device, this.base.clock.now()));
  }

  /** Starts a pause of `minutes` (or replaces the one under way); every bound account is told by SMS. */
  async start(who: Actor & { user: { id: number; phone: string } }, device: DeviceRow, minutes: number, reason: string | null, log: Logger = this.base.log): Promise<Pause> {
    const until = this.base.clock.now() + minutes * 60_000;
    const pause = { until, by: who.user.phone, reason };
    await this.db.transaction(async (tx) => {
      await this.devices.pause(tx, device.id, pause);
      await this.out.bus.send(tx, { k: 'pause', device: device.id });
      await this.out.audit.record(tx, who, 'device.pause', { deviceId: device.deviceId }, { minutes, ...(reason ? { reason } : {}) });
    });
    const shown = this.base.view.pause(pause)!;
    log.info('camera paused', { device: device.deviceId, minutes, until: shown.until });
    await this.out.notifier.tell(await this.devices.boundUsers(this.db.read, device.id), { kind: 'pause', device: device.name, by: shown.by, until: shown.until, reason }, log);
    return shown;
  }

  /** Ends the pause under way early; false when there was none (or it had just run out: the sweep tells). */
  async end(who: Actor & { user: { id: number; phone: string } }, device: DeviceRow, log: Logger = this.base.log): Promise<boolean> {
    const now = this.base.clock.now();
    const ended = await this.db.transaction(async (tx) => {
      if (!(await this.devices.unpause(tx, device.id, { endsAfter: now }))) return false;
      await this.out.bus.send(tx, { k: 'pause', device: device.id });
      await this.out.audit.record(tx, who, 'device.resume', { deviceId: device.deviceId }, { how: 'early' });
      return true;
    });
    if (!ended) return false;
    log.info('camera pause ended early', { device: device.deviceId });
    await this.out.notifier.tell(await this.devices.boundUsers(this.db.read, device.id), { kind: 'pause-end', device: device.name, how: 'early', by: who.user.phone }, log);
    return true;
  }

  /** Ends the pauses that ran out (any instance; each once), audited and told by SMS and stream. */
  async sweep(now: number): Promise<void> {
    for (const device of await this.devices.pausesOver(this.db.read, now, BATCH)) {
      const ended = await this.db.transaction(async (tx) => {
        if (!(await this.devices.unpause(tx, device.id, { until: device.pausedUntil! }))) return false;
        await this.out.bus.send(tx, { k: 'pause', device: device.id });
        await this.out.audit.record(tx, { user: null, ip: '-', requestId: '-' }, 'device.resume', { deviceId: device.deviceId }, { how: 'expired' });
        return true;
      });
      if (!ended) continue;
      this.base.log.info('camera pause over', { device: device.deviceId });
      await this.out.notifier.tell(await this.devices.boundUsers(this.db.read, device.id), { kind: 'pause-end', device: device.name, how: 'expired', by: null });
    }
  }

  /** A pause began or ended (here or on another instance): the bound accounts' streams and lists are told. */
  private async tellStreams(deviceRowId: number): Promise<void> {
    const device = await this.devices.byRowId(this.db.read, deviceRowId);
    if (!device) return;
    const ids = (await this.devices.boundUsers(this.db.read, device.id)).map((u) => u.id);
    this.out.hub.publish(ids, { type: 'paused', data: { device_id: device.deviceId, device_name: device.name, paused: this.of(device) } });
  }
}
