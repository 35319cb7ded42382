/**
 * S5's baseline: the same rows inserted straight into better-sqlite3 (same
 * table, same pragmas, 1,000 rows a transaction), no HTTP, no validation.
 * GET /run inserts $BASELINE_DIR/rows.json and answers samples per second.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import Database from 'better-sqlite3';

const dir = process.env.BASELINE_DIR!;
const db = new Database(path.join(dir, `raw-${process.pid}.sqlite`));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec(`CREATE TABLE IF NOT EXISTS health_samples (user_id integer NOT NULL, type text NOT NULL, ts integer NOT NULL, source text DEFAULT '' NOT NULL,
  value real NOT NULL, value2 real, PRIMARY KEY (user_id, type, ts, source))`);
const insert = db.prepare('INSERT OR IGNORE INTO health_samples (user_id, type, ts, source, value, value2) VALUES (?, ?, ?, ?, ?, ?)');
const batch = db.transaction((rows: { type: string; timestamp: number; value: number }[]) => {
  for (const r of rows) insert.run(1, r.type, r.timestamp, '', r.value, null);
});

http.createServer((req, res) => {
  if (req.url === '/ping') return res.end('{}');
  const batches = JSON.parse(fs.readFileSync(path.join(dir, 'rows.json'), 'utf8')) as { type: string; timestamp: number; value: number }[][];
  const t0 = performance.now();
  for (const rows of batches) batch(rows);
  const seconds = (performance.now() - t0) / 1000;
  res.end(JSON.stringify({ samples_per_second: batches.reduce((n, b) => n + b.length, 0) / seconds }));
}).listen(Number(process.env.PORT), '127.0.0.1');
