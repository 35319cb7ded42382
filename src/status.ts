/**
 * The seed's global status table (全局Status表): numbers and messages exactly as
 * HelpAged-Python documents them. Code names a status by key, never by number.
 */
export type StatusEntry = readonly [code: number, message: string];
export type StatusTable = Readonly<Record<string, StatusEntry>>;

export const GLOBAL = {
  OK: [0, 'successful'],
  JSON_KEY: [-1, 'Error JSON key'],
  JSON_VALUE: [-2, 'Error JSON value'],
  DATA_KEY: [-3, 'Error data key'],
  HASH_EXPIRED: [-4, 'Error Hash'],
  TOKEN_MISSING: [-100, 'Missing necessary args'],
  TOKEN_INVALID: [-101, 'Error token'],
  TOKEN_USER: [-102, 'Get userid failed for the token'],
  NO_PERMISSION: [-103, 'No permission to operate'],
  DEVICE_TOKEN: [-104, 'Error device_id token'],
  DATABASE: [-200, 'Failure to operate database'],
  VALUE_EMPTY: [-201, "Necessary key-value can't be empty"],
  VALUE_MISSING: [-202, 'Missing necessary data key-value'],
  VALUE_TYPE: [-203, "Arg's value type error"],
  VALUE: [-204, "Arg's value error"],
  UNKNOWN: [-404, 'Unknown Error'],
  UPLOAD: [-500, 'COS upload Error'],
} as const satisfies StatusTable;

export type GlobalKey = keyof typeof GLOBAL;

/**
 * Local codes are positive; a local table may not shadow a global key, and a
 * number means one thing, except the numbers `shared` names: the legacy API
 * gives some one number two meanings on one URL (101 on /device).
 */
export function checkLocalTable(name: string, local: StatusTable, shared: readonly number[] = []): void {
  const seen = new Set<number>(shared.map((n) => -n));
  for (const [key, [code]] of Object.entries(local)) {
    if (key in GLOBAL) throw new Error(`${name}: local status ${key} shadows a global one`);
    if (!Number.isInteger(code) || code <= 0) throw new Error(`${name}: local status ${key} must be a positive integer`);
    if (seen.has(code)) throw new Error(`${name}: status number ${code} used twice`);
    if (!seen.has(-code)) seen.add(code);
  }
}
