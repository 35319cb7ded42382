import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { devices, notices, users } from './schema-core.js';

/**
 * What is still to be sent for a fall: the repeat SMS and the call (to every
 * bound phone when `phone` is null), and retries of a send the provider
 * refused (to one phone). A step is claimed by setting done_at before it is
 * sent, so it fires once even across restarts and instances.
 */
export const alertSteps = sqliteTable('alert_steps', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  noticeId: integer('notice_id').notNull().references(() => notices.id, { onDelete: 'cascade' }),
  /** alert (a retry of the first SMS), alert-repeat or call. */
  kind: text('kind').notNull(),
  phone: text('phone'),
  dueAt: integer('due_at').notNull(),
  /** Sends tried before this one (0 for a scheduled step). */
  attempts: integer('attempts').notNull().default(0),
  doneAt: integer('done_at'),
  /** sent, failed, or skipped (acknowledged meanwhile, switched off, nobody bound); null until done. */
  outcome: text('outcome'),
}, (t) => [index('alert_steps_due').on(t.doneAt, t.dueAt), index('alert_steps_notice').on(t.noticeId)]);

/**
 * What was sent for a fall, as its timeline shows it: each SMS burst, repeat SMS and call (and their
 * retries) with how many of its phones the provider accepted. Written in the transaction that counts
 * the sends; append-only.
 */
export const noticeEvents = sqliteTable('notice_events', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  noticeId: integer('notice_id').notNull().references(() => notices.id, { onDelete: 'cascade' }),
  /** sms, sms-repeat or call. */
  kind: text('kind').notNull(),
  at: integer('at').notNull(),
  /** sent (every phone), partial, or failed (none). */
  outcome: text('outcome').notNull(),
  sent: integer('sent').notNull(),
  total: integer('total').notNull(),
  /** 0 for the first send, then the retry's number. */
  attempt: integer('attempt').notNull().default(0),
}, (t) => [index('notice_events_notice').on(t.noticeId, t.id), index('notice_events_at').on(t.at)]);

/**
 * Whom a fall's chain reached and how they answered: one row per SMS and per call placed for a fall
 * (family, resident, last resort), written in the transaction that counts the send. A keypress counts
 * only for a call_id found here, from its phone; an SMS reply only from a phone found here within
 * ALERT_REPLY_WINDOW_SECONDS. Written only while PROVIDER_CALLBACK_SECRET is set.
 */
export const alertContacts = sqliteTable('alert_contacts', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  noticeId: integer('notice_id').notNull().references(() => notices.id, { onDelete: 'cascade' }),
  /** family, resident or last_resort. */
  role: text('role').notNull(),
  /** sms or call. */
  channel: text('channel').notNull(),
  /** The message's kind (alert, alert-repeat, alert-ok, call, resident-call, last-resort, last-resort-call). */
  kind: text('kind').notNull(),
  phone: text('phone').notNull(),
  userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
  /** The provider's CallId, for a call. */
  callId: text('call_id'),
  sentAt: integer('sent_at').notNull(),
  /** A call's end as the provider reported it: answered, no_answer, busy or failed. */
  status: text('status'),
  statusAt: integer('status_at'),
  keypress: text('keypress'),
  keypressAt: integer('keypress_at'),
}, (t) => [
  uniqueIndex('alert_contacts_call_id').on(t.callId),
  index('alert_contacts_phone').on(t.phone, t.sentAt),
  index('alert_contacts_notice').on(t.noticeId),
]);

/**
 * SMS that are not falls (a camera offline or back, a pause begun or over), held for an account in its
 * quiet hours: sent as one summary when they end. `body` is the message as JSON, without the phone.
 */
export const heldMessages = sqliteTable('held_messages', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  body: text('body').notNull(),
  heldAt: integer('held_at').notNull(),
}, (t) => [index('held_messages_user').on(t.userId, t.id)]);

/**
 * Each camera's falls per UTC day (day = ms / 86,400,000), and how many of them a bound account judged a
 * real fall or not: what camera_record on a fall sums (the 90 days before the fall's day), so that it
 * costs the same at any number of notices. Kept in the transactions that store, withdraw and judge falls.
 */
export const cameraDays = sqliteTable('camera_days', {
  deviceId: integer('device_id').notNull().references(() => devices.id, { onDelete: 'cascade' }),
  day: integer('day').notNull(),
  falls: integer('falls').notNull(),
  real: integer('real').notNull().default(0),
  falseAlarms: integer('false_alarms').notNull().default(0),
}, (t) => [primaryKey({ columns: [t.deviceId, t.day] })]);

/**
 * A drill's messages, one per account and channel (push: one per subscription): sent when, how the
 * provider or push service answered (sent, failed, gone), and when the account proved it got it (the
 * service worker's POST, a reply of 1, a 1 on the call). `proof`: the sha256 of the push's token, or the
 * call's CallId.
 */
export const drillChecks = sqliteTable('drill_checks', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  deviceId: integer('device_id').notNull().references(() => devices.id, { onDelete: 'cascade' }),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  channel: text('channel').notNull(),
  proof: text('proof'),
  sentAt: integer('sent_at').notNull(),
  outcome: text('outcome').notNull(),
  provedAt: integer('proved_at'),
}, (t) => [index('drill_checks_device').on(t.deviceId, t.userId, t.channel), uniqueIndex('drill_checks_proof').on(t.proof)]);
