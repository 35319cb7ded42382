import { bigint, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

/** See schema-reports.ts. */
export const reportDays = pgTable('report_days', {
  off: integer('off').notNull(),
  day: integer('day').notNull(),
  startMs: bigint('start_ms', { mode: 'number' }).notNull(),
  endMs: bigint('end_ms', { mode: 'number' }).notNull(),
  builtAt: bigint('built_at', { mode: 'number' }).notNull(),
}, (t) => [
  primaryKey({ columns: [t.off, t.day] }),
  index('report_days_start').on(t.startMs),
]);

/** See schema-reports.ts. */
export const reportBins = pgTable('report_bins', {
  off: integer('off').notNull(),
  day: integer('day').notNull(),
  model: text('model').notNull(),
  bin: integer('bin').notNull(),
  falls: integer('falls').notNull(),
  real: integer('real').notNull(),
  falseAlarms: integer('false_alarms').notNull(),
}, (t) => [primaryKey({ columns: [t.off, t.day, t.model, t.bin] })]);
