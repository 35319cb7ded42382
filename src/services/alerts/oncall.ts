import type { DeviceRow } from '../../db/devices.js';
import { inWindow, wallClock } from '../devices/index.js';

/** One shift of a camera's rota: a bound account's phone, the days it starts on (1 Monday to 7 Sunday), minutes of the day. */
export interface Shift {
  phone: string;
  days: number[];
  from: number;
  to: number;
}

/** Seconds the person on call has before everyone bound is told, when the camera does not say. */
export const NEXT_LEVEL_SECONDS = 300;

/** The camera's rota, or null when its order is "everyone" (today's: every bound phone at once). */
export function rotaOf(device: Pick<DeviceRow, 'oncall'>): Shift[] | null {
  if (device.oncall === null) return null;
  try {
    const rota = JSON.parse(device.oncall) as Shift[];
    return Array.isArray(rota) && rota.length > 0 ? rota : null;
  } catch {
    return null;
  }
}

/** The time zone the camera's rota is read in. */
export const zoneOf = (device: Pick<DeviceRow, 'timeZone'>, fallback: string): string => device.timeZone ?? fallback;

/** The seconds before the next level for a camera with a rota; 0 without one. */
export function nextLevelOf(device: Pick<DeviceRow, 'oncall' | 'nextLevelSeconds'>): number {
  return rotaOf(device) ? device.nextLevelSeconds ?? NEXT_LEVEL_SECONDS : 0;
}

/**
 * Whether a shift covers `ms` in `tz`. from = to is the whole day; from after to spans midnight and
 * belongs to the day it starts on (Monday 22:00-06:00 covers Tuesday 02:00).
 */
export function onShift(shift: Shift, tz: string, ms: number): boolean {
  const { weekday, minute } = wallClock(tz, ms);
  if (shift.from === shift.to) return shift.days.includes(weekday);
  if (shift.from < shift.to) return shift.days.includes(weekday) && inWindow(minute, shift.from, shift.to);
  const yesterday = weekday === 1 ? 7 : weekday - 1;
  return (shift.days.includes(weekday) && minute >= shift.from) || (shift.days.includes(yesterday) && minute < shift.to);
}

/** Those of the bound accounts on call at `ms` (none: the caller tells everyone). */
export function onCallAt<U extends { phone: string }>(rota: Shift[], tz: string, ms: number, bound: U[]): U[] {
  const phones = new Set(rota.filter((s) => onShift(s, tz, ms)).map((s) => s.phone));
  return bound.filter((u) => phones.has(u.phone));
}
