/**
 * The SQLite schema, one table group a file (times are integer milliseconds since the epoch throughout):
 * accounts, cameras and falls; a fall's alert chain and who is woken; the state ports' tables (limits'
 * windows, one-use tickets); the reports' built days. drizzle-kit and the engine read them all from here.
 */
export * from './schema-core.js';
export * from './schema-alerts.js';
export * from './schema-state.js';
export * from './schema-reports.js';
