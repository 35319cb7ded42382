import fs from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { SCHEMA_ROOT } from '../paths.js';
import type { GlobalKey } from '../status.js';

export { SCHEMA_ROOT };

/** One ajv instance for the whole app: schemas compile once, at start-up. */
// unicode: false counts string lengths in UTF-16 units (as JavaScript does) instead of walking every
// character of a megabyte of base64 to count code points. ajv 8 marks the option deprecated and says so
// on stderr at every start; that one notice is left out of its log, anything else it says goes through.
const UNICODE_NOTICE = 'DEPRECATED: option unicode.';
const logger = {
  log: console.log,
  warn: (...args: unknown[]) => (String(args[0]).startsWith(UNICODE_NOTICE) ? undefined : console.warn(...args)),
  error: console.error,
};
const ajv = new Ajv({ allErrors: false, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true, unicode: false, logger });
ajv.addFormat('email', /^[^\s@]+@[^\s@]+\.[^\s@]+$/);
ajv.addFormat('phone', /^1[3-9][0-9]{9}$/);

const compiled = new Map<string, ValidateFunction>();

export function loadSchema(relative: string): ValidateFunction {
  const cached = compiled.get(relative);
  if (cached) return cached;
  const file = path.join(SCHEMA_ROOT, relative);
  if (!fs.existsSync(file)) throw new Error(`missing JSON Schema ${path.relative(process.cwd(), file)}`);
  const validate = ajv.compile(JSON.parse(fs.readFileSync(file, 'utf8')));
  compiled.set(relative, validate);
  return validate;
}

export interface Invalid {
  key: GlobalKey;
  detail: string;
}

function statusOf(error: ErrorObject): GlobalKey {
  switch (error.keyword) {
    case 'required':
      return 'DATA_KEY';
    case 'type':
      return error.data === null ? 'VALUE_EMPTY' : 'VALUE_TYPE';
    case 'minLength':
    case 'minItems':
      return error.data === '' || (Array.isArray(error.data) && error.data.length === 0) ? 'VALUE_EMPTY' : 'VALUE';
    default:
      return 'VALUE';
  }
}

/** Maps the first schema violation onto the global table: -3 missing, -201 empty, -203 type, -204 value. */
export function check(validate: ValidateFunction, data: unknown): Invalid | null {
  if (validate(data)) return null;
  const error = validate.errors![0]!;
  const where = error.instancePath || '/';
  const missing = error.keyword === 'required' ? ` '${(error.params as { missingProperty: string }).missingProperty}'` : '';
  return { key: statusOf(error), detail: `data${where === '/' ? '' : where} ${error.message ?? 'is invalid'}${missing}` };
}
