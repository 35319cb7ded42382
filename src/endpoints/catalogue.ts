import { GLOBAL } from '../status.js';
import { ENDPOINTS } from './index.js';

/** Every status a client may be answered, by key: the global table, and each URL's local table with its calls. */
export interface StatusCatalogue {
  global: Record<string, number>;
  paths: Record<string, { local: Record<string, number>; calls: string[] }>;
}

/** The endpoint tables as data: what the console's status table is generated from (npm run statuses) and tests read. */
export function statusCatalogue(): StatusCatalogue {
  const numbers = (table: Record<string, readonly [number, string]>) => Object.fromEntries(Object.entries(table).map(([k, [n]]) => [k, n]));
  return {
    global: numbers(GLOBAL),
    paths: Object.fromEntries(ENDPOINTS.map((e) => [e.path, { local: numbers(e.local), calls: e.handlers.map((h) => `${h.type}.${h.subtype}`) }])),
  };
}
