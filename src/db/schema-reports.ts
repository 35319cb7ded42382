import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The falls report's figures for whole days already past, kept so that a report over weeks reads a few
 * thousand rows instead of every fall (db/report-days.ts). A day counts only while its row here exists:
 * a write to one of its falls (a new or withdrawn fall, an acknowledgement, a verdict) deletes the row in
 * its own transaction, and the day is read from the notices until the sweep builds it again. `off` is
 * the time zone's offset the days were cut with (ms east of UTC); [start_ms, end_ms) is the day.
 */
export const reportDays = sqliteTable('report_days', {
  off: integer('off').notNull(),
  day: integer('day').notNull(),
  startMs: integer('start_ms').notNull(),
  endMs: integer('end_ms').notNull(),
  builtAt: integer('built_at').notNull(),
}, (t) => [
  primaryKey({ columns: [t.off, t.day] }),
  index('report_days_start').on(t.startMs),
]);

/**
 * One built day's falls by camera model and time to acknowledge (`bin`: seconds to two significant
 * figures, rounded down; -1 for not acknowledged): how many, how many judged real, how many false alarms.
 */
export const reportBins = sqliteTable('report_bins', {
  off: integer('off').notNull(),
  day: integer('day').notNull(),
  model: text('model').notNull(),
  bin: integer('bin').notNull(),
  falls: integer('falls').notNull(),
  real: integer('real').notNull(),
  falseAlarms: integer('false_alarms').notNull(),
}, (t) => [primaryKey({ columns: [t.off, t.day, t.model, t.bin] })]);
