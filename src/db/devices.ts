import { and, asc, eq, gt, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { hot, run, type Database, type Q, type Tables, type Tx } from './engine.js';
import { ReportDayStore } from './report-days.js';

export interface DeviceRow {
  id: number;
  deviceId: string;
  name: string;
  /** null: the service default; 0: off. */
  alertRepeatSeconds: number | null;
  alertCallSeconds: number | null;
  /** Asked first, and told last when nobody acknowledged (schema.ts): null or 0 seconds is off. */
  residentPhone: string | null;
  residentSeconds: number | null;
  lastResortPhone: string | null;
  lastResortSeconds: number | null;
  /** null for cameras that never sent a heartbeat. */
  lastSeenAt: number | null;
  offline: number;
  /** When the last SMS burst went out (the cool-down's start); null before the first. */
  lastAlertAt: number | null;
  /** A pause (device.pause) lasts until paused_until (not when that has passed: then the sweep ends it); by a bound account's phone, why. */
  pausedUntil: number | null;
  pausedBy: string | null;
  pausedReason: string | null;
  /** The on-call order: null is everyone at once, else the rota as JSON (services/alerts/oncall.ts); its next level's seconds, its time zone. */
  oncall: string | null;
  nextLevelSeconds: number | null;
  timeZone: string | null;
}

/** The pause a camera is under at `now`, or null (one whose time has come is over, swept or not). */
export function pauseOf(device: Pick<DeviceRow, 'pausedUntil' | 'pausedBy' | 'pausedReason'>, now: number): { until: number; by: string; reason: string | null } | null {
  return device.pausedUntil !== null && device.pausedUntil > now ? { until: device.pausedUntil, by: device.pausedBy!, reason: device.pausedReason } : null;
}

function rowOf(t: Tables) {
  const d = t.devices;
  return {
    id: d.id, deviceId: d.deviceId, name: d.name, alertRepeatSeconds: d.alertRepeatSeconds,
    alertCallSeconds: d.alertCallSeconds, residentPhone: d.residentPhone, residentSeconds: d.residentSeconds,
    lastResortPhone: d.lastResortPhone, lastResortSeconds: d.lastResortSeconds, lastSeenAt: d.lastSeenAt, offline: d.offline, lastAlertAt: d.lastAlertAt,
    pausedUntil: d.pausedUntil, pausedBy: d.pausedBy, pausedReason: d.pausedReason,
    oncall: d.oncall, nextLevelSeconds: d.nextLevelSeconds, timeZone: d.timeZone,
  };
}

export class DeviceStore {
  private readonly row;
  /** Told inside the transaction when bindings or names change, so that cached notice lists are dropped at commit. */
  onChange: (tx: Tx, userIds: number[] | 'all') => Promise<void> = async () => undefined;

  private readonly reportDays: ReportDayStore;

  constructor(private readonly db: Database) {
    this.row = rowOf(db.t);
    this.reportDays = new ReportDayStore(db);
  }

  async byRowId(q: Q, rowId: number): Promise<DeviceRow | undefined> {
    const [found] = await q.q.select(this.row).from(this.db.t.devices).where(eq(this.db.t.devices.id, rowId));
    return found;
  }

  /** The device whose id a camera sends as its token. */
  async byToken(q: Q, deviceId: string): Promise<DeviceRow | undefined> {
    const { devices } = this.db.t;
    const [found] = await run<DeviceRow[]>(hot(q, 'devices_by_token', (b) => b.select(this.row).from(devices).where(eq(devices.deviceId, sql.placeholder('token')))), { token: deviceId });
    return found;
  }

  /** null when the name (or, with legacy ids, the derived id) is taken. */
  async create(tx: Tx, name: string, deviceId: string, createdBy: number, now: number, extra: { sn?: string; model?: string | null } = {}): Promise<DeviceRow | null> {
    const [inserted] = await tx.q.insert(this.db.t.devices).values({ deviceId, name, createdBy, createdAt: now, ...extra })
      .onConflictDoNothing().returning(this.row);
    return inserted ?? null;
  }

  async nameTaken(q: Q, name: string): Promise<boolean> {
    const { devices } = this.db.t;
    return (await q.q.select({ id: devices.id }).from(devices).where(eq(devices.name, name))).length > 0;
  }

  /** The device paired before with this serial number. */
  async bySn(q: Q, sn: string): Promise<{ id: number; name: string } | undefined> {
    const { devices } = this.db.t;
    const [found] = await q.q.select({ id: devices.id, name: devices.name }).from(devices).where(eq(devices.sn, sn));
    return found;
  }

  /** A camera paired again gets a new id (and maybe name and model). */
  async reassign(tx: Tx, rowId: number, change: { deviceId: string; name: string; model?: string }): Promise<void> {
    const { devices } = this.db.t;
    await tx.q.update(devices).set(change).where(eq(devices.id, rowId));
    // the falls report's built days group falls by model
    if (change.model !== undefined) await this.reportDays.touchAll(tx);
  }

  /** false when the account already has the device. */
  async bind(tx: Tx, userId: number, deviceRowId: number, now: number): Promise<boolean> {
    const added = this.db.affected(await tx.q.insert(this.db.t.bindings).values({ userId, deviceId: deviceRowId, createdAt: now })
      .onConflictDoNothing()) === 1;
    if (added) await this.onChange(tx, [userId]);
    return added;
  }

  async unbind(tx: Tx, userId: number, deviceRowId: number): Promise<boolean> {
    const { bindings } = this.db.t;
    const removed = this.db.affected(await tx.q.delete(bindings).where(and(eq(bindings.userId, userId), eq(bindings.deviceId, deviceRowId)))) === 1;
    if (removed) await this.onChange(tx, [userId]);
    return removed;
  }

  /** The account's devices, in the order it bound them. */
  async listForUser(q: Q, userId: number): Promise<DeviceRow[]> {
    const { devices, bindings } = this.db.t;
    return q.q.select(this.row).from(devices).innerJoin(bindings, eq(bindings.deviceId, devices.id))
      .where(eq(bindings.userId, userId)).orderBy(asc(bindings.createdAt), asc(devices.id));
  }

  /** A device the account is bound to, by id or by name. */
  async boundTo(q: Q, userId: number, by: { deviceId?: string; name?: string }): Promise<DeviceRow | undefined> {
    const { devices, bindings } = this.db.t;
    const match = by.deviceId !== undefined ? eq(devices.deviceId, by.deviceId) : eq(devices.name, by.name ?? '');
    const [found] = await q.q.select(this.row).from(devices).innerJoin(bindings, eq(bindings.deviceId, devices.id))
      .where(and(eq(bindings.userId, userId), match));
    return found;
  }

  /** Accounts to tell when the device reports a fall. */
  async boundUsers(q: Q, deviceRowId: number): Promise<{ id: number; phone: string }[]> {
    const { bindings, users } = this.db.t;
    return run(hot(q, 'devices_bound_users', (b) => b.select({ id: users.id, phone: users.phone }).from(bindings).innerJoin(users, eq(users.id, bindings.userId))
      .where(eq(bindings.deviceId, sql.placeholder('device')))), { device: deviceRowId });
  }

  /** The family bound to a camera as the console lists it: who, by nickname and phone, in the order they bound it. */
  async family(q: Q, deviceRowId: number): Promise<{ id: number; phone: string; nickname: string | null }[]> {
    const { bindings, users } = this.db.t;
    return q.q.select({ id: users.id, phone: users.phone, nickname: users.nickname }).from(bindings).innerJoin(users, eq(users.id, bindings.userId))
      .where(eq(bindings.deviceId, deviceRowId)).orderBy(asc(bindings.createdAt), asc(users.id));
  }

  /** Sets the camera's escalation (null: back to the service default). */
  async setAlerts(tx: Tx, deviceRowId: number, s: Pick<DeviceRow, 'alertRepeatSeconds' | 'alertCallSeconds' | 'residentPhone' | 'residentSeconds' | 'lastResortPhone' | 'lastResortSeconds'>): Promise<void> {
    const { devices } = this.db.t;
    await tx.q.update(devices).set(s).where(eq(devices.id, deviceRowId));
  }

  /**
   * The camera was heard from: a heartbeat (`watch`), or an upload from a camera that sends heartbeats.
   * True when this call brought it back from offline (exactly one caller sees that).
   */
  async heardFrom(tx: Tx, deviceRowId: number, now: number, watch: boolean): Promise<boolean> {
    const { devices } = this.db.t;
    const seen = this.db.affected(await tx.q.update(devices).set({ lastSeenAt: now })
      .where(and(eq(devices.id, deviceRowId), watch ? undefined : isNotNull(devices.lastSeenAt)))) === 1;
    return seen && this.db.affected(await tx.q.update(devices).set({ offline: 0 }).where(and(eq(devices.id, deviceRowId), eq(devices.offline, 1)))) === 1;
  }

  /** Cameras that sent heartbeats, then nothing since `before`, not yet declared offline. */
  async goneSilent(q: Q, before: number, limit: number): Promise<DeviceRow[]> {
    const { devices } = this.db.t;
    return q.q.select(this.row).from(devices)
      .where(and(isNotNull(devices.lastSeenAt), lt(devices.lastSeenAt, before), eq(devices.offline, 0))).limit(limit);
  }

  /** Declares the camera offline; false if it was heard from meanwhile or another caller did it first. */
  async markOffline(tx: Tx, deviceRowId: number, before: number): Promise<boolean> {
    const { devices } = this.db.t;
    return this.db.affected(await tx.q.update(devices).set({ offline: 1 })
      .where(and(eq(devices.id, deviceRowId), eq(devices.offline, 0), lt(devices.lastSeenAt, before)))) === 1;
  }

  /** Takes the device's alert slot if its cool-down has passed: one SMS burst per device per cool-down. */
  async claimAlertSlot(tx: Tx, deviceRowId: number, now: number, cooldownMs: number): Promise<boolean> {
    const { devices } = this.db.t;
    return this.db.affected(await tx.q.update(devices).set({ lastAlertAt: now })
      .where(and(eq(devices.id, deviceRowId), or(isNull(devices.lastAlertAt), lte(devices.lastAlertAt, now - cooldownMs))))) === 1;
  }

  /** Sets the camera's on-call order (oncall null: everyone). */
  async setOnCall(tx: Tx, deviceRowId: number, s: Pick<DeviceRow, 'oncall' | 'nextLevelSeconds' | 'timeZone'>): Promise<void> {
    const { devices } = this.db.t;
    await tx.q.update(devices).set(s).where(eq(devices.id, deviceRowId));
  }

  /** Starts a pause, or replaces the one under way. */
  async pause(tx: Tx, deviceRowId: number, p: { until: number; by: string; reason: string | null }): Promise<void> {
    const { devices } = this.db.t;
    await tx.q.update(devices).set({ pausedUntil: p.until, pausedBy: p.by, pausedReason: p.reason }).where(eq(devices.id, deviceRowId));
  }

  /**
   * Ends the camera's pause: early (`endsAfter` now: only one still running) or as it runs out (`endsAfter`
   * 0 and `until` the one the sweep saw). True for the one caller that ended it.
   */
  async unpause(tx: Tx, deviceRowId: number, match: { endsAfter: number } | { until: number }): Promise<boolean> {
    const { devices } = this.db.t;
    const which = 'until' in match ? eq(devices.pausedUntil, match.until) : gt(devices.pausedUntil, match.endsAfter);
    return this.db.affected(await tx.q.update(devices).set({ pausedUntil: null, pausedBy: null, pausedReason: null })
      .where(and(eq(devices.id, deviceRowId), which))) === 1;
  }

  /** Cameras whose pause has run out and has not been ended yet (devices_paused). */
  async pausesOver(q: Q, now: number, limit: number): Promise<DeviceRow[]> {
    const { devices } = this.db.t;
    return q.q.select(this.row).from(devices).where(and(isNotNull(devices.pausedUntil), lte(devices.pausedUntil, now))).limit(limit);
  }
}
