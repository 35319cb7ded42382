import { bigint, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

/** See schema-state.ts. */
export const throttles = pgTable('throttles', {
  name: text('name').notNull(),
  key: text('key').notNull(),
  count: integer('count').notNull(),
  startedAt: bigint('started_at', { mode: 'number' }).notNull(),
}, (t) => [primaryKey({ columns: [t.name, t.key] }), index('throttles_started').on(t.startedAt)]);

/** See schema-state.ts. */
export const tickets = pgTable('tickets', {
  kind: text('kind').notNull(),
  key: text('key').notNull(),
  value: text('value').notNull().default(''),
  expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
}, (t) => [primaryKey({ columns: [t.kind, t.key] }), index('tickets_expires').on(t.kind, t.expiresAt)]);

/** See schema-state.ts. */
export const providerCallbacks = pgTable('provider_callbacks', {
  key: text('key').primaryKey(),
  at: bigint('at', { mode: 'number' }).notNull(),
}, (t) => [index('provider_callbacks_at').on(t.at)]);
