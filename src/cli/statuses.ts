/**
 * `npm run statuses`: writes the status catalogue (every URL's local table and the global one, by key) to
 * web/src/api/statuses.json, which the console turns replies into keys with. test/envelope/catalogue.test.ts
 * fails while the committed file differs from the tables.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { statusCatalogue } from '../endpoints/catalogue.js';

export const CATALOGUE_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/src/api/statuses.json');

export const catalogueText = (): string => `${JSON.stringify(statusCatalogue(), null, 1)}\n`;

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fs.writeFileSync(CATALOGUE_FILE, catalogueText());
  console.log(`wrote ${path.relative(process.cwd(), CATALOGUE_FILE)}`);
}
