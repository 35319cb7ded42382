import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The JSON Schemas (schemas/ at the top of the project): the envelope's, and data files such as the health ranges. */
export const SCHEMA_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../schemas');

/** The built console (web/dist, made by `npm ci` through the prepare script). */
export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../web/dist');

/** drizzle-kit's committed migrations, one folder per engine (migrations/ at the top of the project; `npm run db:generate`). */
export const MIGRATIONS = {
  sqlite: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../migrations/sqlite'),
  postgres: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../migrations/pg'),
} as const;
