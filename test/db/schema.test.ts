import { getTableConfig as pgConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getTableName } from 'drizzle-orm';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as pg from '../../src/db/schema.pg.js';
import * as sqlite from '../../src/db/schema.js';

/** What both engines must agree on, in a form that ignores column types (those differ by dialect on purpose). */
function shape(config: ReturnType<typeof pgConfig> | ReturnType<typeof sqliteConfig>) {
  const columnName = (c: { name: string }) => c.name;
  return {
    name: config.name,
    // an id is an identity column on PostgreSQL and an autoincrement key on SQLite: only other columns' defaults compare
    columns: config.columns.map((c) => ({ name: c.name, notNull: c.notNull, primary: c.primary, hasDefault: c.primary ? null : c.hasDefault })).sort((a, b) => a.name.localeCompare(b.name)),
    primaryKeys: config.primaryKeys.map((k) => k.columns.map(columnName)),
    uniqueIndexes: config.indexes.filter((i) => i.config.unique).map((i) => ({ name: i.config.name, on: i.config.columns.map((c) => (c as { name: string }).name) })).sort((a, b) => a.name!.localeCompare(b.name!)),
    indexes: config.indexes.filter((i) => !i.config.unique).map((i) => ({ name: i.config.name, on: i.config.columns.map((c) => (c as { name: string }).name) })).sort((a, b) => a.name!.localeCompare(b.name!)),
    foreignKeys: config.foreignKeys.map((f) => {
      const r = f.reference();
      return { columns: r.columns.map(columnName), table: getTableName(r.foreignTable), foreign: r.foreignColumns.map(columnName), onDelete: f.onDelete ?? 'no action' };
    }).sort((a, b) => a.columns.join().localeCompare(b.columns.join())),
  };
}

const tables = <T>(mod: Record<string, unknown>, kind: abstract new (...a: never[]) => T) => Object.values(mod).filter((v): v is T => v instanceof kind);

const schema = suite('the SQLite and PostgreSQL schemas');

schema('have the same tables, columns, nullability, defaults, primary keys, indexes and foreign keys', () => {
  const a = tables(sqlite, SQLiteTable).map((t) => shape(sqliteConfig(t))).sort((x, y) => x.name.localeCompare(y.name));
  const b = tables(pg, PgTable).map((t) => shape(pgConfig(t))).sort((x, y) => x.name.localeCompare(y.name));
  assert.equal(b.map((t) => t.name), a.map((t) => t.name));
  assert.ok(a.length >= 15, `${a.length} tables`);
  for (const [i, t] of a.entries()) assert.equal(b[i], t, t.name);
});

schema('millisecond times are bigint on PostgreSQL', () => {
  for (const table of tables(pg, PgTable)) {
    for (const column of pgConfig(table).columns) {
      if (/_at$/.test(column.name)) assert.is(column.getSQLType(), 'bigint', `${pgConfig(table).name}.${column.name}`);
    }
  }
});

schema('each dialect\'s committed drizzle-kit migrations are up to date with its schema', () => {
  for (const [dialect, file, dir] of [['sqlite', 'src/db/schema.ts', 'migrations/sqlite'], ['postgresql', 'src/db/schema.pg.ts', 'migrations/pg']] as const) {
    const journal = JSON.parse(fs.readFileSync(`${dir}/meta/_journal.json`, 'utf8')) as { dialect: string; entries: { tag: string }[] };
    assert.is(journal.dialect, dialect);
    for (const e of journal.entries) assert.ok(fs.existsSync(`${dir}/${e.tag}.sql`), `${dir}/${e.tag}.sql`);
    // generating again into a copy must find nothing to add
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'helpaged-migrations-'));
    fs.cpSync(dir, copy, { recursive: true });
    const run = spawnSync(process.execPath, ['node_modules/drizzle-kit/bin.cjs', 'generate', '--dialect', dialect, '--schema', file, '--out', copy], { encoding: 'utf8' });
    const added = fs.readdirSync(copy).filter((f) => f.endsWith('.sql')).length - journal.entries.length;
    fs.rmSync(copy, { recursive: true, force: true });
    assert.is(run.status, 0, run.stderr);
    assert.is(added, 0, `${file} has changes without a migration: npm run db:generate`);
  }
});

schema.run();
