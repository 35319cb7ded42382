/**
 * Calendar buckets in an IANA time zone, correct across daylight-saving
 * changes: a day is local midnight to local midnight (23 or 25 hours on
 * change days), a week starts on Monday, a month on the 1st.
 */
export type Granularity = 'hour' | 'day' | 'week' | 'month';

const formatters = new Map<string, Intl.DateTimeFormat>();

export function validZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

interface Local {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

function local(tz: string, ms: number): Local {
  const p: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(ms)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { y: p.year!, mo: p.month! - 1, d: p.day!, h: p.hour!, mi: p.minute!, s: p.second! };
}

/** Local time minus UTC at the instant `ms`. */
function offset(tz: string, ms: number): number {
  const l = local(tz, ms);
  return Date.UTC(l.y, l.mo, l.d, l.h, l.mi, l.s) - Math.floor(ms / 1000) * 1000;
}

/** The first instant whose local wall time is at or after y-mo-d h:mi:s (a skipped hour maps to its end). */
function fromLocal(tz: string, y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number {
  const wall = Date.UTC(y, mo, d, h, mi, s);
  let guess = wall - offset(tz, wall);
  guess = wall - offset(tz, guess);
  const l = local(tz, guess);
  const seen = Date.UTC(l.y, l.mo, l.d, l.h, l.mi, l.s);
  return seen < wall ? guess + (wall - seen) : guess;
}

/** Start of the bucket holding `ms`. */
export function bucketStart(tz: string, ms: number, g: Granularity): number {
  const l = local(tz, ms);
  switch (g) {
    case 'hour':
      return ms - ((l.mi * 60 + l.s) * 1000 + (ms % 1000));
    case 'day':
      return fromLocal(tz, l.y, l.mo, l.d);
    case 'week': {
      const weekday = (new Date(Date.UTC(l.y, l.mo, l.d)).getUTCDay() + 6) % 7;
      return fromLocal(tz, l.y, l.mo, l.d - weekday);
    }
    case 'month':
      return fromLocal(tz, l.y, l.mo, 1);
  }
}

/** Start of the bucket after the one starting at `start`. */
export function nextBucket(tz: string, start: number, g: Granularity): number {
  if (g === 'hour') return start + 3600_000;
  const l = local(tz, start);
  if (g === 'day') return fromLocal(tz, l.y, l.mo, l.d + 1);
  if (g === 'week') return fromLocal(tz, l.y, l.mo, l.d + 7);
  return fromLocal(tz, l.y, l.mo + 1, 1);
}

/** Bucket starts covering [from, to), at most `max` of them (null past that). */
export function buckets(tz: string, from: number, to: number, g: Granularity, max: number): number[] | null {
  const out: number[] = [];
  for (let b = bucketStart(tz, from, g); b < to; b = nextBucket(tz, b, g)) {
    if (out.length === max) return null;
    out.push(b);
  }
  return out;
}

/**
 * A wall-clock time as HelpAged-Python wrote it (`YYYY-MM-DD HH:MM:SS`, or with `:` or `/` between the date's
 * parts) read in `tz`; null when it is not one.
 */
export function parseLocal(tz: string, text: string): number | null {
  const m = /^(\d{4})[-:/](\d{1,2})[-:/](\d{1,2})[ T](\d{1,2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  return fromLocal(tz, y, mo - 1, d, h, mi, s);
}

/** The wall clock in `tz` at `ms`: the day of the week (1 Monday to 7 Sunday) and the minute of the day. */
export function wallClock(tz: string, ms: number): { weekday: number; minute: number } {
  const l = local(tz, ms);
  return { weekday: ((new Date(Date.UTC(l.y, l.mo, l.d)).getUTCDay() + 6) % 7) + 1, minute: l.h * 60 + l.mi };
}

/** Whether `minute` of the day falls in [from, to): a window whose `from` is after its `to` spans midnight. */
export function inWindow(minute: number, from: number, to: number): boolean {
  return from <= to ? minute >= from && minute < to : minute >= from || minute < to;
}

/** Local time minus UTC in `tz` at the instant `ms` (what a report's days are shifted by). */
export const offsetAt = (tz: string, ms: number): number => offset(tz, ms);

/**
 * A moment a filter names: ms since the epoch, `YYYY-MM-DD` (that day's start in `tz`) or a wall-clock
 * time as `parseLocal` reads it; null when it is none of those.
 */
export function parseWhen(tz: string, value: number | string): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (!day) return parseLocal(tz, value);
  const [y, mo, d] = day.slice(1).map(Number) as [number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  return fromLocal(tz, y, mo - 1, d);
}
