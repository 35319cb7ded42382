import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/engine.js';
import type { HealthStore, SampleRow } from '../../db/health.js';
import { SCHEMA_ROOT } from '../../paths.js';
import { buckets, nextBucket, type Granularity } from './tz.js';

interface Range {
  min: number;
  max: number;
}

interface SampleType extends Partial<Range> {
  unit: string;
  aggregate: 'sum' | 'avg';
  integer?: boolean;
  parts?: Record<string, Range>;
}

/** The one table of sample types and plausible ranges: schemas/health/sample-types.json. */
export const SAMPLE_TYPES: Record<string, SampleType> = Object.fromEntries(
  Object.entries(JSON.parse(fs.readFileSync(path.join(SCHEMA_ROOT, 'health', 'sample-types.json'), 'utf8')) as Record<string, unknown>)
    .filter(([k]) => !k.startsWith('$')),
) as Record<string, SampleType>;

const EARLIEST = 946_684_800; // 2000-01-01
export const MAX_BUCKETS = 2000;

type Row = SampleRow;

export interface UploadReport {
  received_count: number;
  invalid_count: number;
  invalid_samples: { index: number; error: string }[];
  duplicate_count: number;
}

type Value = number | Record<string, number> | null;

const round = (n: number) => Math.round(n * 100) / 100;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkNumber(name: string, v: unknown, range: Range, integer = false): string | null {
  if (typeof v !== 'number' || !Number.isFinite(v)) return `${name} must be a number`;
  if (integer && !Number.isInteger(v)) return `${name} must be a whole number`;
  if (v < range.min || v > range.max) return `${name} ${v} is outside ${range.min}..${range.max}`;
  return null;
}

/**
 * Wearable samples. A batch is one transaction; a sample already stored
 * (same account, type, second and source) is not stored again, so a re-sent
 * batch never counts twice.
 */
export class HealthData {
  constructor(private readonly db: Database, private readonly store: HealthStore, private readonly clock: Clock) {}

  /** Checks one sample; returns the row to store or why not. `devices` are the caller's bound device ids. */
  parse(sample: unknown, devices: Set<string>): Row | string {
    if (!isObject(sample)) return 'a sample must be an object';
    const { type, value, timestamp, device_id } = sample;
    if (typeof type !== 'string') return 'type is required';
    const spec = Object.hasOwn(SAMPLE_TYPES, type) ? SAMPLE_TYPES[type]! : undefined;
    if (!spec) return `unknown type ${JSON.stringify(type).slice(0, 40)}`;
    if (typeof timestamp !== 'number' || !Number.isInteger(timestamp)) return 'timestamp must be whole unix seconds';
    const latest = Math.floor(this.clock.now() / 1000) + 86_400;
    if (timestamp < EARLIEST || timestamp > latest) return `timestamp ${timestamp} is not between 2000-01-01 and tomorrow`;
    if (device_id !== undefined && (typeof device_id !== 'string' || !devices.has(device_id))) return 'device_id is not a device of this account';
    const source = (device_id as string | undefined) ?? '';
    if (spec.parts) {
      if (!isObject(value)) return `value must be {${Object.keys(spec.parts).join(', ')}}`;
      const [first, second] = Object.entries(spec.parts);
      for (const [name, range] of [first!, second!]) {
        const bad = checkNumber(name, value[name], range);
        if (bad) return bad;
      }
      return { type, ts: timestamp, source, value: value[first![0]] as number, value2: value[second![0]] as number };
    }
    const bad = checkNumber('value', value, spec as Range, spec.integer);
    return bad ?? { type, ts: timestamp, source, value: value as number, value2: null };
  }

  async upload(userId: number, samples: unknown[], devices: Set<string>): Promise<UploadReport> {
    const invalid: { index: number; error: string }[] = [];
    const rows: Row[] = [];
    samples.forEach((sample, index) => {
      const parsed = this.parse(sample, devices);
      if (typeof parsed === 'string') invalid.push({ index, error: parsed });
      else rows.push(parsed);
    });
    const stored = await this.db.transaction((tx) => this.store.insert(tx, userId, rows));
    return { received_count: rows.length, invalid_count: invalid.length, invalid_samples: invalid, duplicate_count: rows.length - stored };
  }

  /**
   * Samples in [start, end) grouped into calendar buckets of `tz`; the first
   * and last bucket only count the part inside the range. An empty bucket's
   * value is null. null when there would be more than MAX_BUCKETS.
   */
  async query(userId: number, type: string, g: Granularity, startSeconds: number, endSeconds: number, tz: string) {
    const spec = SAMPLE_TYPES[type]!;
    const starts = buckets(tz, startSeconds * 1000, endSeconds * 1000, g, MAX_BUCKETS);
    if (!starts) return null;
    const parts = spec.parts ? Object.keys(spec.parts) : null;
    let n = 0;
    let s = 0;
    let s2 = 0;
    let filled = 0;
    let lo: Value = null;
    let hi: Value = null;
    const ranges = starts.map((start, i): [number, number] => {
      const end = i + 1 < starts.length ? starts[i + 1]! : nextBucket(tz, start, g);
      return [Math.max(Math.floor(start / 1000), startSeconds), Math.min(Math.floor(end / 1000), endSeconds)];
    });
    const aggregates = await this.store.aggregates(this.db.read, userId, type, ranges);
    const points = starts.map((start, i) => {
      const a = aggregates[i]!;
      const timestamp = Math.floor(start / 1000);
      if (a.n === 0) return { timestamp, value: null as Value };
      n += a.n;
      s += a.s!;
      s2 += a.s2 ?? 0;
      filled++;
      if (parts) {
        const [p1, p2] = parts as [string, string];
        lo = { [p1]: Math.min((lo as Record<string, number> | null)?.[p1] ?? Infinity, a.lo!), [p2]: Math.min((lo as Record<string, number> | null)?.[p2] ?? Infinity, a.lo2!) };
        hi = { [p1]: Math.max((hi as Record<string, number> | null)?.[p1] ?? -Infinity, a.hi!), [p2]: Math.max((hi as Record<string, number> | null)?.[p2] ?? -Infinity, a.hi2!) };
        return { timestamp, value: { [p1]: round(a.s! / a.n), [p2]: round(a.s2! / a.n) } as Value };
      }
      const value = spec.aggregate === 'sum' ? round(a.s!) : round(a.s! / a.n);
      const [bLo, bHi] = spec.aggregate === 'sum' ? [value, value] : [a.lo!, a.hi!];
      lo = Math.min((lo as number | null) ?? Infinity, bLo);
      hi = Math.max((hi as number | null) ?? -Infinity, bHi);
      return { timestamp, value: value as Value };
    });
    const average: Value = n === 0 ? null
      : parts ? { [parts[0]!]: round(s / n), [parts[1]!]: round(s2 / n) }
        : spec.aggregate === 'sum' ? round(s / filled) : round(s / n);
    return {
      type, granularity: g, start_time: startSeconds, end_time: endSeconds, tz, unit: spec.unit, points,
      summary: { total: spec.aggregate === 'sum' ? round(s) : null, average, min: lo, max: hi, count: n, buckets: points.length, empty_buckets: points.length - filled },
    };
  }
}
