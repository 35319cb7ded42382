import fs from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CATALOGUE_FILE, catalogueText } from '../../src/cli/statuses.js';
import { statusCatalogue } from '../../src/endpoints/catalogue.js';
import { ENDPOINTS } from '../../src/endpoints/index.js';

const catalogue = suite('the status catalogue the console reads (web/src/api/statuses.json)');

catalogue('the committed file is what the endpoint tables give (npm run statuses writes it)', () => {
  assert.fixture(fs.readFileSync(CATALOGUE_FILE, 'utf8'), catalogueText());
});

catalogue('it holds every URL, every call and every local key with its number', () => {
  const { global, paths } = statusCatalogue();
  assert.is(global.OK, 0);
  assert.is(global.TOKEN_INVALID, -101);
  for (const e of ENDPOINTS) {
    assert.equal(paths[e.path]!.calls, e.handlers.map((h) => `${h.type}.${h.subtype}`));
    for (const [key, [code]] of Object.entries(e.local)) assert.is(paths[e.path]!.local[key], code, `${e.path} ${key}`);
  }
  assert.is(paths['/get/notice']!.local.ALREADY_SIGNED, 101);
});

catalogue.run();
