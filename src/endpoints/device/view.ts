import type { Config } from '../../config.js';
import type { DeviceRow } from '../../db/devices.js';
import { effective } from '../../services/alerts/index.js';

/** The escalation in force for a camera: its own setting or the service default; 0 is off (the resident and last resort: off unless set). */
export function alertsOf(device: DeviceRow, config: Config) {
  return {
    repeat_seconds: effective(device.alertRepeatSeconds, config.alertRepeatSeconds),
    call_seconds: effective(device.alertCallSeconds, config.alertCallSeconds),
    resident_phone: device.residentPhone,
    resident_seconds: device.residentSeconds ?? 0,
    last_resort_phone: device.lastResortPhone,
    last_resort_seconds: device.lastResortSeconds ?? 0,
  };
}

/** `last_seen` and `online` as device.list and device.info add them: null for cameras that never sent a heartbeat. */
export function livenessOf(device: DeviceRow, format: (ms: number) => string) {
  return {
    last_seen: device.lastSeenAt === null ? null : format(device.lastSeenAt),
    online: device.lastSeenAt === null ? null : device.offline === 0,
  };
}
