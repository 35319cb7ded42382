/** The PostgreSQL schema: the twin of schema.ts, file for file (schema-core.pg.ts says how the types map). */
export * from './schema-core.pg.js';
export * from './schema-alerts.pg.js';
export * from './schema-state.pg.js';
export * from './schema-reports.pg.js';
