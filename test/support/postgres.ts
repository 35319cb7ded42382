import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './net.js';

/** The newest installed PostgreSQL's binaries (Debian: /usr/lib/postgresql/<major>/bin). */
function binDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const majors = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return majors.length ? path.join(root, majors[0]!, 'bin') : null;
}

/** Why the PostgreSQL pass cannot run here, or null when it can. */
export function postgresMissing(): string | null {
  return binDir() ? null : 'PostgreSQL server binaries not found (apt-get install postgresql)';
}

/** As root, PostgreSQL's binaries run as the `postgres` user (the server refuses to run as root). */
function owner(): { uid: number; gid: number } | Record<string, never> {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

export interface Cluster {
  port: number;
  /** Where it lives, so that another process (a test of the PostgreSQL pass) can stop and start it: see clusterOf. */
  handle: string;
  /** The superuser's URL for `database`. */
  url(database: string): string;
  /** Stops the server (fast shutdown: connections are cut); `start` brings it back on the same port and data. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  remove(): Promise<void>;
}

/** The cluster whose `handle` this is: started by startCluster, perhaps in another process. */
export function clusterOf(handle: string): Cluster {
  const { bin, dir, port, durable } = JSON.parse(handle) as { bin: string; dir: string; port: number; durable?: boolean };
  const data = path.join(dir, 'data');
  const as = owner();
  const ctl = (args: string[]) => {
    const r = spawnSync(path.join(bin, 'pg_ctl'), ['-D', data, ...args], { encoding: 'utf8', cwd: dir, ...as });
    if (r.status !== 0) throw new Error(`pg_ctl ${args[0]}: ${(r.stderr || r.stdout).slice(-2000)}`);
  };
  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const cluster: Cluster = {
    port,
    handle,
    url,
    async start() {
      const fast = durable ? '' : ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off';
      ctl(['-w', '-t', '30', '-l', path.join(dir, 'log'), '-o', `-h 127.0.0.1 -p ${port} -k ${dir}${fast} -c max_connections=300 -c shared_buffers=64MB`, 'start']);
    },
    async stop() {
      ctl(['-w', '-m', 'fast', 'stop']);
    },
    async remove() {
      try {
        await cluster.stop();
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  return cluster;
}

/**
 * A throwaway PostgreSQL cluster: initdb in a folder under the system temp
 * folder, listening on 127.0.0.1 only (its Unix socket inside that folder),
 * trust authentication for the superuser `postgres`, fsync off (nothing here
 * must survive the machine) unless `durable` (benchmarks: commits flushed as
 * in production). remove() deletes it all.
 */
export async function startCluster(durable = false): Promise<Cluster> {
  const bin = binDir();
  if (!bin) throw new Error(postgresMissing()!);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpaged-pg-'));
  const as = owner();
  if ('uid' in as) fs.chownSync(dir, as.uid, as.gid);
  const init = spawnSync(path.join(bin, 'initdb'), ['-D', path.join(dir, 'data'), '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'], { encoding: 'utf8', cwd: dir, ...as });
  if (init.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb: ${init.stderr.slice(-2000)}`);
  }
  const cluster = clusterOf(JSON.stringify({ bin, dir, port: await freePort(), durable }));
  await cluster.start();
  return cluster;
}

/**
 * The database that stands for a data folder in the PostgreSQL pass: the same folder always gets the
 * same database (a server restarted on it finds its data), created when first asked for.
 */
export async function databaseFor(adminUrl: string, dataDir: string): Promise<string> {
  const name = `h_${crypto.createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 24)}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } catch (err) {
    if ((err as { code?: string }).code !== '42P04') throw err; // already there
  } finally {
    await client.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** How many tables the database at `url` holds (outside the system schemas). */
export async function tablesIn(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(`select count(*) as n from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')`);
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}
