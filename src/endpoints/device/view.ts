import type { Config } from '../../config.js';
import type { DeviceRow, DeviceStore } from '../../db/devices.js';
import type { Reader } from '../../db/engine.js';
import { effective, hhmm, nextLevelOf, NEXT_LEVEL_SECONDS, onCallAt, rotaOf, zoneOf } from '../../services/alerts/index.js';
import { maskPhone } from '../../services/shared/index.js';

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

/** Who is on call at `now` for a camera with a rota, by name (the nickname, else the phone masked) and masked phone; null without a rota. */
export async function onCallNow(device: DeviceRow, devices: DeviceStore, read: Reader, config: Config, now: number): Promise<{ name: string; phone: string }[] | null> {
  const rota = rotaOf(device);
  if (!rota) return null;
  const family = await devices.family(read, device.id);
  return onCallAt(rota, zoneOf(device, config.noticeTimezone), now, family).map((m) => ({ name: m.nickname || maskPhone(m.phone), phone: maskPhone(m.phone) }));
}

/**
 * A camera's on-call order as device.oncall and device.info answer it: the rota in HH:MM, the next level,
 * the time zone in force, who is on call now, and the bound accounts that can be put on the rota (their
 * phones in full: what a rota names).
 */
export async function onCallOf(device: DeviceRow, devices: DeviceStore, read: Reader, config: Config, now: number) {
  const rota = rotaOf(device);
  const family = await devices.family(read, device.id);
  return {
    order: rota ? 'rota' as const : 'everyone' as const,
    rota: (rota ?? []).map((s) => ({ phone: s.phone, days: s.days, from: hhmm(s.from), to: hhmm(s.to) })),
    next_level_seconds: rota ? nextLevelOf(device) : device.nextLevelSeconds ?? NEXT_LEVEL_SECONDS,
    time_zone: zoneOf(device, config.noticeTimezone),
    on_call: await onCallNow(device, devices, read, config, now),
    family: family.map((m) => ({ name: m.nickname || maskPhone(m.phone), phone: m.phone })),
  };
}
