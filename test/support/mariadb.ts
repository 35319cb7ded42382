import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './net.js';

const SERVER = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld'].find((p) => fs.existsSync(p));
const INSTALL = ['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db'].find((p) => fs.existsSync(p));
const CLIENT = ['/usr/bin/mariadb', '/usr/bin/mysql'].find((p) => fs.existsSync(p));

/** Why MariaDB tests cannot run here, or null when they can. */
export function mariadbMissing(): string | null {
  return SERVER && INSTALL && CLIENT ? null : 'MariaDB server binaries not found (apt-get install mariadb-server)';
}

/**
 * A throwaway MariaDB: a data folder under the system temp folder, listening
 * on 127.0.0.1 only, root without a password; removed by stop().
 */
export async function startMariaDb() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpaged-mariadb-'));
  const data = path.join(dir, 'data');
  const install = spawnSync(INSTALL!, ['--no-defaults', `--datadir=${data}`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db'], { encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`mariadb-install-db: ${install.stderr.slice(-2000)}`);
  const port = await freePort();
  const proc: ChildProcess = spawn(SERVER!, ['--no-defaults', `--datadir=${data}`, '--user=root', '--bind-address=127.0.0.1', `--port=${port}`,
    `--socket=${path.join(dir, 'sock')}`, '--skip-name-resolve', '--skip-log-bin', '--innodb-buffer-pool-size=32M', `--pid-file=${path.join(dir, 'pid')}`], { stdio: 'ignore' });
  const sql = (database: string | null, text: string) => {
    const r = spawnSync(CLIENT!, ['--no-defaults', '-uroot', '-h127.0.0.1', `-P${port}`, ...(database ? [database] : [])], { input: text, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`mariadb: ${r.stderr}`);
    return r.stdout;
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ping = spawnSync(CLIENT!, ['--no-defaults', '-uroot', '-h127.0.0.1', `-P${port}`, '-e', 'select 1'], { encoding: 'utf8' });
    if (ping.status === 0) break;
    if (Date.now() > deadline) throw new Error(`MariaDB did not start: ${ping.stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    url: (database: string) => `mysql://root@127.0.0.1:${port}/${database}`,
    sql,
    /** Creates `database` and loads a dump into it. */
    load(database: string, dump: string) {
      sql(null, `CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);
      sql(database, dump);
    },
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
