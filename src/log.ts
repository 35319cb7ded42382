/** Mainland mobile numbers standing alone (not inside a hex id): masked to their last four digits. */
const PHONE = /(?<![0-9A-Za-z])1[3-9][0-9]{5}([0-9]{4})(?![0-9A-Za-z])/g;

function masked(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? value.replace(PHONE, '*******$1') : value;
}

export type Level = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export interface Logger {
  /** Whether messages of this level are written (to skip building them). */
  enabled(level: Exclude<Level, 'silent'>): boolean;
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger whose every line also carries `fields` (a request's `rid`). */
  child(fields: Record<string, unknown>): Logger;
}

function errorFields(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

/**
 * One JSON object per line on stdout (errors on stderr), so logs can be grepped and parsed at 3 a.m.;
 * handlers log through a child that adds their request's `rid`, and phone numbers are masked.
 */
export function createLogger(level: Level, write: (line: string, isError: boolean) => void = defaultWrite, bound?: Record<string, unknown>): Logger {
  const min = ORDER[level];
  // phone numbers are personal data: logs keep the last four digits, except at debug level
  const mask = level !== 'debug';
  const emit = (lvl: Exclude<Level, 'silent'>, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < min) return;
    const record: Record<string, unknown> = { time: new Date().toISOString(), level: lvl, msg };
    if (bound) Object.assign(record, bound);
    if (fields) for (const [k, v] of Object.entries(fields)) record[k] = errorFields(v);
    write(JSON.stringify(record, mask ? masked : undefined), ORDER[lvl] >= ORDER.warn);
  };
  return {
    enabled: (lvl) => ORDER[lvl] >= min,
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(level, write, { ...bound, ...fields }),
  };
}

function defaultWrite(line: string, isError: boolean): void {
  (isError ? process.stderr : process.stdout).write(line + '\n');
}
