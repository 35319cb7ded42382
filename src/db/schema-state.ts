import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Limit windows shared by every instance (failed logins, guesses, uploads per camera on PostgreSQL):
 * `count` events since `started_at` for one key of one limit.
 */
export const throttles = sqliteTable('throttles', {
  name: text('name').notNull(),
  key: text('key').notNull(),
  count: integer('count').notNull(),
  startedAt: integer('started_at').notNull(),
}, (t) => [primaryKey({ columns: [t.name, t.key] }), index('throttles_started').on(t.startedAt)]);

/**
 * Short-lived one-use things any instance may redeem: image captcha answers (key: the md5 a client
 * sends), WeChat login tickets (key: the ticket's sha256), the guard of an SMS send in flight (key: the
 * phone). `value` is what the kind needs (the WeChat openid); gone after `expires_at`.
 */
export const tickets = sqliteTable('tickets', {
  kind: text('kind').notNull(),
  key: text('key').notNull(),
  value: text('value').notNull().default(''),
  expiresAt: integer('expires_at').notNull(),
}, (t) => [primaryKey({ columns: [t.kind, t.key] }), index('tickets_expires').on(t.kind, t.expiresAt)]);

/** Provider callbacks already taken (key: a hash of what makes one unique), so that a retry changes nothing; swept after a day. */
export const providerCallbacks = sqliteTable('provider_callbacks', {
  key: text('key').primaryKey(),
  at: integer('at').notNull(),
}, (t) => [index('provider_callbacks_at').on(t.at)]);
