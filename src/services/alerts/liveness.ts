import type { Clock } from '../../clock.js';
import type { DeviceRow, DeviceStore } from '../../db/devices.js';
import type { Database } from '../../db/engine.js';
import type { Logger } from '../../log.js';
import type { Bus } from '../shared/index.js';
import type { NoticeHub } from './hub.js';
import type { Notifier } from './notify.js';

const BATCH = 200;

/**
 * Camera liveness: a camera that sent a heartbeat and then nothing for CAMERA_OFFLINE_SECONDS is offline
 * (declared once, by the instance whose update takes it), and online again when next heard from. Each
 * bound account gets an SMS (through the Notifier: quiet hours hold it) and every stream an event.
 */
export class Liveness {
  constructor(
    private readonly db: Database,
    private readonly devices: DeviceStore,
    private readonly out: { hub: NoticeHub; bus: Bus; notifier: Notifier; track: (work: Promise<void>) => void },
    private readonly base: { clock: Clock; offlineSeconds: number; log: Logger },
    private readonly format: (ms: number) => string,
  ) {
    out.bus.on((wake) => {
      if (wake.k === 'device') return this.tellStreams(wake.device);
    });
  }

  /** A heartbeat (or an upload from a camera that sends them). */
  async heardFrom(device: DeviceRow, heartbeat: boolean): Promise<void> {
    const now = this.base.clock.now();
    if (!(await this.db.transaction((tx) => this.devices.heardFrom(tx, device.id, now, heartbeat)))) return;
    this.base.log.info('camera back online', { device: device.deviceId });
    this.out.track(this.announce(device, true, now));
  }

  /** Declares the cameras silent since CAMERA_OFFLINE_SECONDS offline (run by the alert timer). */
  async sweep(now: number): Promise<void> {
    const before = now - this.base.offlineSeconds * 1000;
    for (const device of await this.devices.goneSilent(this.db.read, before, BATCH)) {
      if (!(await this.db.transaction((tx) => this.devices.markOffline(tx, device.id, before)))) continue;
      this.base.log.warn('camera offline', { device: device.deviceId, last_seen: this.format(device.lastSeenAt!) });
      await this.announce(device, false, device.lastSeenAt!);
    }
  }

  /** A camera went offline or came back (here or on another instance): its accounts' streams are told, from the row. */
  private async tellStreams(deviceRowId: number): Promise<void> {
    const device = await this.devices.byRowId(this.db.read, deviceRowId);
    if (!device || device.lastSeenAt === null) return;
    const users = await this.devices.boundUsers(this.db.read, device.id);
    this.out.hub.publish(users.map((u) => u.id), {
      type: 'device', data: { device_id: device.deviceId, device_name: device.name, online: device.offline === 0, last_seen: this.format(device.lastSeenAt) },
    });
  }

  private async announce(device: DeviceRow, online: boolean, lastSeen: number): Promise<void> {
    await this.out.bus.send(null, { k: 'device', device: device.id }).catch((err) => this.base.log.error('other instances not told of a camera', { device: device.deviceId, err }));
    const users = await this.devices.boundUsers(this.db.read, device.id);
    await this.out.notifier.tell(users, { kind: online ? 'online' : 'offline', device: device.name, lastSeen: this.format(lastSeen) });
  }
}
