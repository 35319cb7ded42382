/**
 * S5's baseline on PostgreSQL: the same rows inserted straight through
 * node-postgres (same table, 1,000 rows a transaction, one multi-row INSERT
 * ... ON CONFLICT DO NOTHING each), no HTTP, no validation. GET /run inserts
 * $BASELINE_DIR/rows.json into $BASELINE_PG_URL and answers samples per second.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import pg from 'pg';

const dir = process.env.BASELINE_DIR!;
const pool = new pg.Pool({ connectionString: process.env.BASELINE_PG_URL, max: 4 });
await pool.query(`CREATE TABLE IF NOT EXISTS health_samples (user_id integer NOT NULL, type text NOT NULL, ts bigint NOT NULL, source text DEFAULT '' NOT NULL,
  value double precision NOT NULL, value2 double precision, PRIMARY KEY (user_id, type, ts, source))`);

async function batch(rows: { type: string; timestamp: number; value: number }[]): Promise<void> {
  const params: unknown[] = [];
  const values = rows.map((r, i) => {
    params.push(1, r.type, r.timestamp, '', r.value, null);
    return `($${i * 6 + 1}, $${i * 6 + 2}, $${i * 6 + 3}, $${i * 6 + 4}, $${i * 6 + 5}, $${i * 6 + 6})`;
  });
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`INSERT INTO health_samples (user_id, type, ts, source, value, value2) VALUES ${values.join(', ')} ON CONFLICT DO NOTHING`, params);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}

http.createServer((req, res) => {
  if (req.url === '/ping') return res.end('{}');
  const batches = JSON.parse(fs.readFileSync(path.join(dir, 'rows.json'), 'utf8')) as { type: string; timestamp: number; value: number }[][];
  const t0 = performance.now();
  void (async () => {
    // 4 at a time, as the server is loaded
    const queue = [...batches];
    await Promise.all(Array.from({ length: 4 }, async () => {
      for (let rows = queue.shift(); rows; rows = queue.shift()) await batch(rows);
    }));
    const seconds = (performance.now() - t0) / 1000;
    res.end(JSON.stringify({ samples_per_second: batches.reduce((n, b) => n + b.length, 0) / seconds }));
  })();
}).listen(Number(process.env.PORT), '127.0.0.1');
