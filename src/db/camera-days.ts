import { sql } from 'drizzle-orm';
import { hot, rawRows, run, type Database, type Q, type Tx } from './engine.js';

const DAY = 86_400_000;
/** How far back a camera's record on a fall looks: the days before the fall's own (UTC) day. */
export const RECORD_DAYS = 90;

/** A camera's falls in the RECORD_DAYS before one of its falls, and how many of them were judged real and false alarms. */
export interface RecordCounts {
  falls: number;
  real: number;
  falseAlarms: number;
}

const judged = (verdict: string | null) => ({ real: verdict === 'fall' ? 1 : 0, falseAlarms: verdict === 'false_alarm' ? 1 : 0 });

/**
 * Falls per camera per UTC day and their verdicts (camera_days), kept by the notice store in the
 * transactions that store, judge and withdraw falls: a record costs at most 90 rows a fall at any size.
 */
export class CameraDayStore {
  constructor(private readonly db: Database) {}

  /** A fall stored (inside its transaction). */
  async added(tx: Tx, deviceRowId: number, createdAt: number): Promise<void> {
    const { cameraDays: c } = this.db.t;
    await run(hot(tx, 'camera_days_add', (b) => b.insert(c).values({ deviceId: sql.placeholder('device'), day: sql.placeholder('day'), falls: 1 })
      .onConflictDoUpdate({ target: [c.deviceId, c.day], set: { falls: sql`${c.falls} + 1` } })), { device: deviceRowId, day: Math.floor(createdAt / DAY) });
  }

  /** A fall's verdict goes from `before` to `after`. */
  async judged(tx: Tx, fall: { deviceRowId: number; createdAt: number }, before: string | null, after: string | null): Promise<void> {
    const [b, a] = [judged(before), judged(after)];
    await this.shift(tx, fall, 0, a.real - b.real, a.falseAlarms - b.falseAlarms);
  }

  /** A fall withdrawn (its photo could not be stored). */
  async removed(tx: Tx, fall: { deviceRowId: number; createdAt: number; verdict: string | null }): Promise<void> {
    const v = judged(fall.verdict);
    await this.shift(tx, fall, -1, -v.real, -v.falseAlarms);
  }

  private async shift(tx: Tx, fall: { deviceRowId: number; createdAt: number }, falls: number, real: number, falseAlarms: number): Promise<void> {
    if (falls === 0 && real === 0 && falseAlarms === 0) return;
    const { cameraDays: c } = this.db.t;
    await tx.q.update(c).set({ falls: sql`${c.falls} + ${falls}`, real: sql`${c.real} + ${real}`, falseAlarms: sql`${c.falseAlarms} + ${falseAlarms}` })
      .where(sql`${c.deviceId} = ${fall.deviceRowId} and ${c.day} = ${Math.floor(fall.createdAt / DAY)}`);
  }

  /**
   * For each of these falls, its camera's counts over the RECORD_DAYS days before the fall's day: one
   * statement over the distinct (camera, day) pairs (a page's falls share a few), at most 90 rows each.
   */
  async records(q: Q, falls: { id: number; deviceRowId: number; createdAt: number }[]): Promise<Map<number, RecordCounts>> {
    const found = new Map<number, RecordCounts>();
    if (falls.length === 0) return found;
    const keyOf = (device: number, day: number) => `${device}:${day}`;
    const pairs = new Map(falls.map((f) => [keyOf(f.deviceRowId, Math.floor(f.createdAt / DAY)), { device: f.deviceRowId, day: Math.floor(f.createdAt / DAY) }]));
    const { cameraDays: c } = this.db.t;
    const values = sql.join([...pairs.values()].map((p) => sql`(cast(${p.device} as integer), cast(${p.day} as integer))`), sql`, `);
    const rows = await rawRows(this.db, q, sql`
      with v(device, day) as (values ${values})
      select v.device as device, v.day as day, sum(${c.falls}) as falls, sum(${c.real}) as real, sum(${c.falseAlarms}) as false_alarms
      from v join ${c} on ${c.deviceId} = v.device and ${c.day} >= v.day - ${sql.raw(String(RECORD_DAYS))} and ${c.day} < v.day
      group by v.device, v.day`);
    const byPair = new Map(rows.map((r) => [keyOf(Number(r.device), Number(r.day)), { falls: Number(r.falls), real: Number(r.real), falseAlarms: Number(r.false_alarms) }]));
    for (const f of falls) {
      const counts = byPair.get(keyOf(f.deviceRowId, Math.floor(f.createdAt / DAY)));
      if (counts) found.set(f.id, counts);
    }
    return found;
  }

  /**
   * The notice's camera, time and verdict, as the counts need them, read in the transaction that changes
   * it: on PostgreSQL the row is locked, so that two verdicts at once each see the other's.
   */
  async fallOf(tx: Tx, noticeId: number): Promise<{ deviceRowId: number; createdAt: number; verdict: string | null } | undefined> {
    const { notices: n } = this.db.t;
    const lock = this.db.dialect === 'postgres' ? sql` for update` : sql``;
    const [row] = await rawRows(this.db, tx, sql`select ${n.deviceId} as device, ${n.createdAt} as at, ${n.verdict} as verdict from ${n} where ${n.id} = ${noticeId}${lock}`);
    return row && { deviceRowId: Number(row.device), createdAt: Number(row.at), verdict: (row.verdict as string | null) ?? null };
  }
}
