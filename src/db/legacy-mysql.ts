import type mysql from 'mysql2/promise';

/** HelpAged-Python's tables, as read for `npm run import`. */
export interface LegacyData {
  users: { phone: string; password: string; salt: string; createdtime: string | null; group: string }[];
  infos: { phone: string; name: string | null; nickname: string | null; email: string | null; level: number; device: string | null }[];
  devices: { device_id: string; device_name: string }[];
  notices: { event_id: string; content: string | null; device: string; pic_name: string; createtime: string | null }[];
  reads: { event_id: string; user_id: string }[];
}

/** The old database could not be read: the message is one line for the operator. */
export class LegacySourceError extends Error {}

const TABLES = ['users', 'usersinfo', 'devices', 'notice', 'notice_user'];

/**
 * Reads the old MySQL (or MariaDB) database in one read-only transaction, so
 * the tables are one consistent snapshot; nothing is ever written to it.
 */
export async function readLegacy(url: string): Promise<LegacyData> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LegacySourceError(`--from ${JSON.stringify(url)}: not a URL; expected mysql://user:pass@host:port/database`);
  }
  if (parsed.protocol !== 'mysql:' || parsed.pathname.length < 2) {
    throw new LegacySourceError(`--from: expected mysql://user:pass@host:port/database, got ${parsed.protocol}//${parsed.host}${parsed.pathname}`);
  }
  let conn: mysql.Connection;
  try {
    // loaded here, not at the top: the server loads this module through operations/ but only the import uses it
    const { default: driver } = await import('mysql2/promise');
    conn = await driver.createConnection({ uri: url, dateStrings: true, connectTimeout: 10_000, charset: 'utf8mb4' });
  } catch (err) {
    const e = err as { code?: string; message?: string };
    throw new LegacySourceError(`--from ${parsed.host}${parsed.pathname}: cannot connect (${e.code ?? 'error'}: ${e.message ?? ''})`);
  }
  try {
    const [tables] = await conn.query('SHOW TABLES');
    const present = new Set((tables as Record<string, string>[]).map((row) => Object.values(row)[0]));
    const missing = TABLES.filter((t) => !present.has(t));
    if (missing.length) throw new LegacySourceError(`--from ${parsed.pathname.slice(1)}: table${missing.length > 1 ? 's' : ''} ${missing.join(', ')} missing: not a HelpAged-Python database`);
    await conn.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await conn.query('START TRANSACTION READ ONLY');
    const rows = async <T>(sql: string) => (await conn.query(sql))[0] as T[];
    const data: LegacyData = {
      users: await rows('SELECT phone, password, salt, CAST(createdtime AS CHAR) AS createdtime, `group` FROM users'),
      infos: await rows('SELECT phone, name, nickname, email, level, device FROM usersinfo'),
      devices: await rows('SELECT device_id, device_name FROM devices'),
      notices: await rows('SELECT event_id, content, device, pic_name, CAST(createtime AS CHAR) AS createtime FROM notice'),
      reads: await rows('SELECT event_id, user_id FROM notice_user'),
    };
    await conn.query('COMMIT');
    return data;
  } catch (err) {
    if (err instanceof LegacySourceError) throw err;
    const e = err as { code?: string; message?: string };
    throw new LegacySourceError(`--from: reading the old tables failed (${e.code ?? 'error'}: ${e.message ?? ''})`);
  } finally {
    await conn.end().catch(() => undefined);
  }
}
