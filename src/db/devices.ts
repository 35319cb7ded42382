import { and, asc, eq, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { bindings, devices, users } from './schema.js';

export interface DeviceRow {
  id: number;
  deviceId: string;
  name: string;
  /** null: the service default; 0: off. */
  alertRepeatSeconds: number | null;
  alertCallSeconds: number | null;
  /** null for cameras that never sent a heartbeat. */
  lastSeenAt: number | null;
  offline: number;
}

const row = {
  id: devices.id, deviceId: devices.deviceId, name: devices.name, alertRepeatSeconds: devices.alertRepeatSeconds,
  alertCallSeconds: devices.alertCallSeconds, lastSeenAt: devices.lastSeenAt, offline: devices.offline,
};

export class DeviceStore {
  private readonly byTokenStmt;
  private readonly boundUsersStmt;
  private readonly alertSlotStmt;
  /** Told when bindings or names change, so cached notice lists are dropped. */
  onChange: (userIds: number[] | 'all') => void = () => undefined;

  constructor(private readonly db: Db) {
    this.byTokenStmt = db.select(row).from(devices).where(eq(devices.deviceId, sql.placeholder('token'))).prepare();
    this.boundUsersStmt = db.select({ id: users.id, phone: users.phone }).from(bindings).innerJoin(users, eq(users.id, bindings.userId))
      .where(eq(bindings.deviceId, sql.placeholder('device'))).prepare();
    this.alertSlotStmt = db.update(devices).set({ lastAlertAt: sql`${sql.placeholder('now')}` })
      .where(and(eq(devices.id, sql.placeholder('device')), or(isNull(devices.lastAlertAt), lte(devices.lastAlertAt, sql.placeholder('since'))))).prepare();
  }

  /** The device whose id a camera sends as its token. */
  byToken(deviceId: string): DeviceRow | undefined {
    return this.byTokenStmt.get({ token: deviceId });
  }

  /** null when the name (or, with legacy ids, the derived id) is taken. */
  create(name: string, deviceId: string, createdBy: number, now: number, extra: { sn?: string; model?: string | null } = {}): DeviceRow | null {
    const inserted = this.db.insert(devices).values({ deviceId, name, createdBy, createdAt: now, ...extra })
      .onConflictDoNothing().returning(row).get();
    return inserted ?? null;
  }

  nameTaken(name: string): boolean {
    return !!this.db.select({ id: devices.id }).from(devices).where(eq(devices.name, name)).get();
  }

  /** false when the account already has the device. */
  bind(userId: number, deviceRowId: number, now: number): boolean {
    const added = this.db.insert(bindings).values({ userId, deviceId: deviceRowId, createdAt: now })
      .onConflictDoNothing().run().changes === 1;
    if (added) this.onChange([userId]);
    return added;
  }

  unbind(userId: number, deviceRowId: number): boolean {
    const removed = this.db.delete(bindings).where(and(eq(bindings.userId, userId), eq(bindings.deviceId, deviceRowId))).run().changes === 1;
    if (removed) this.onChange([userId]);
    return removed;
  }

  /** The account's devices, in the order it bound them. */
  listForUser(userId: number): DeviceRow[] {
    return this.db.select(row).from(devices).innerJoin(bindings, eq(bindings.deviceId, devices.id))
      .where(eq(bindings.userId, userId)).orderBy(asc(bindings.createdAt), asc(devices.id)).all();
  }

  /** A device the account is bound to, by id or by name. */
  boundTo(userId: number, by: { deviceId?: string; name?: string }): DeviceRow | undefined {
    const match = by.deviceId !== undefined ? eq(devices.deviceId, by.deviceId) : eq(devices.name, by.name ?? '');
    return this.db.select(row).from(devices).innerJoin(bindings, eq(bindings.deviceId, devices.id))
      .where(and(eq(bindings.userId, userId), match)).get();
  }

  /** Accounts to tell when the device reports a fall. */
  boundUsers(deviceRowId: number): { id: number; phone: string }[] {
    return this.boundUsersStmt.all({ device: deviceRowId });
  }

  /** Sets the camera's escalation (null: back to the service default). */
  setAlerts(deviceRowId: number, repeatSeconds: number | null, callSeconds: number | null): void {
    this.db.update(devices).set({ alertRepeatSeconds: repeatSeconds, alertCallSeconds: callSeconds }).where(eq(devices.id, deviceRowId)).run();
  }

  /**
   * The camera was heard from: a heartbeat (`watch`), or an upload from a camera that sends heartbeats.
   * True when this call brought it back from offline (exactly one caller sees that).
   */
  heardFrom(deviceRowId: number, now: number, watch: boolean): boolean {
    return this.db.transaction((tx) => {
      const seen = tx.update(devices).set({ lastSeenAt: now })
        .where(and(eq(devices.id, deviceRowId), watch ? undefined : isNotNull(devices.lastSeenAt))).run().changes === 1;
      return seen && tx.update(devices).set({ offline: 0 }).where(and(eq(devices.id, deviceRowId), eq(devices.offline, 1))).run().changes === 1;
    }, { behavior: 'immediate' });
  }

  /** Cameras that sent heartbeats, then nothing since `before`, not yet declared offline. */
  goneSilent(before: number, limit: number): DeviceRow[] {
    return this.db.select(row).from(devices)
      .where(and(isNotNull(devices.lastSeenAt), lt(devices.lastSeenAt, before), eq(devices.offline, 0))).limit(limit).all();
  }

  /** Declares the camera offline; false if it was heard from meanwhile or another caller did it first. */
  markOffline(deviceRowId: number, before: number): boolean {
    return this.db.update(devices).set({ offline: 1 })
      .where(and(eq(devices.id, deviceRowId), eq(devices.offline, 0), lt(devices.lastSeenAt, before))).run().changes === 1;
  }

  /** Takes the device's alert slot if its cool-down has passed: one SMS burst per device per cool-down. */
  claimAlertSlot(deviceRowId: number, now: number, cooldownMs: number): boolean {
    return this.alertSlotStmt.run({ now, device: deviceRowId, since: now - cooldownMs }).changes === 1;
  }
}
