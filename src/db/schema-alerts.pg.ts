import { bigint, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { devices, notices, users } from './schema-core.pg.js';

/**
 * What is still to be sent for a fall: the repeat SMS and the call (to every
 * bound phone when `phone` is null), and retries of a send the provider
 * refused (to one phone). A step is claimed by setting done_at before it is
 * sent, so it fires once even across restarts and instances.
 */
export const alertSteps = pgTable('alert_steps', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  noticeId: integer('notice_id').notNull().references(() => notices.id, { onDelete: 'cascade' }),
  /** alert (a retry of the first SMS), alert-repeat or call. */
  kind: text('kind').notNull(),
  phone: text('phone'),
  dueAt: bigint('due_at', { mode: 'number' }).notNull(),
  /** Sends tried before this one (0 for a scheduled step). */
  attempts: integer('attempts').notNull().default(0),
  doneAt: bigint('done_at', { mode: 'number' }),
  /** sent, failed, or skipped (acknowledged meanwhile, switched off, nobody bound); null until done. */
  outcome: text('outcome'),
}, (t) => [index('alert_steps_due').on(t.doneAt, t.dueAt), index('alert_steps_notice').on(t.noticeId)]);

/**
 * What was sent for a fall, as its timeline shows it: each SMS burst, repeat SMS and call (and their
 * retries) with how many of its phones the provider accepted. Written in the transaction that counts
 * the sends; append-only.
 */
export const noticeEvents = pgTable('notice_events', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  noticeId: integer('notice_id').notNull().references(() => notices.id, { onDelete: 'cascade' }),
  /** sms, sms-repeat or call. */
  kind: text('kind').notNull(),
  at: bigint('at', { mode: 'number' }).notNull(),
  /** sent (every phone), partial, or failed (none). */
  outcome: text('outcome').notNull(),
  sent: integer('sent').notNull(),
  total: integer('total').notNull(),
  /** 0 for the first send, then the retry's number. */
  attempt: integer('attempt').notNull().default(0),
}, (t) => [index('notice_events_notice').on(t.noticeId, t.id), index('notice_events_at').on(t.at)]);

/** See schema-alerts.ts. */
export const alertContacts = pgTable('alert_contacts', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  noticeId: integer('notice_id').notNull().references(() => notices.id, { onDelete: 'cascade' }),
  role: text('role').notNull(),
  channel: text('channel').notNull(),
  kind: text('kind').notNull(),
  phone: text('phone').notNull(),
  userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
  callId: text('call_id'),
  sentAt: bigint('sent_at', { mode: 'number' }).notNull(),
  status: text('status'),
  statusAt: bigint('status_at', { mode: 'number' }),
  keypress: text('keypress'),
  keypressAt: bigint('keypress_at', { mode: 'number' }),
}, (t) => [
  uniqueIndex('alert_contacts_call_id').on(t.callId),
  index('alert_contacts_phone').on(t.phone, t.sentAt),
  index('alert_contacts_notice').on(t.noticeId),
]);

/** See schema-alerts.ts. */
export const heldMessages = pgTable('held_messages', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  body: text('body').notNull(),
  heldAt: bigint('held_at', { mode: 'number' }).notNull(),
}, (t) => [index('held_messages_user').on(t.userId, t.id)]);

/** See schema-alerts.ts. */
export const cameraDays = pgTable('camera_days', {
  deviceId: integer('device_id').notNull().references(() => devices.id, { onDelete: 'cascade' }),
  day: integer('day').notNull(),
  falls: integer('falls').notNull(),
  real: integer('real').notNull().default(0),
  falseAlarms: integer('false_alarms').notNull().default(0),
}, (t) => [primaryKey({ columns: [t.deviceId, t.day] })]);

/** See schema-alerts.ts. */
export const drillChecks = pgTable('drill_checks', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  deviceId: integer('device_id').notNull().references(() => devices.id, { onDelete: 'cascade' }),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  channel: text('channel').notNull(),
  proof: text('proof'),
  sentAt: bigint('sent_at', { mode: 'number' }).notNull(),
  outcome: text('outcome').notNull(),
  provedAt: bigint('proved_at', { mode: 'number' }),
}, (t) => [index('drill_checks_device').on(t.deviceId, t.userId, t.channel), uniqueIndex('drill_checks_proof').on(t.proof)]);
