/** `createtime` ("2026-12-02 13:05:09", wall time in the server's zone) as epoch milliseconds. */
export function parseServerTime(text: string, zone: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return NaN;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  // the zone's offset at that moment, found from a first guess and corrected once (DST edges)
  let guess = asUtc - offsetAt(asUtc, zone);
  guess = asUtc - offsetAt(guess, zone);
  return guess;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall time in `zone` at `ms`, field by field (24-hour). */
function partsIn(ms: number, zone: string): Record<string, string> {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(zone, f);
  }
  return Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
}

function offsetAt(ms: number, zone: string): number {
  const p = partsIn(ms, zone);
  return Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!) - Math.floor(ms / 1000) * 1000;
}

/** `ms` as the server writes times ("2026-12-02 13:05:09" in its zone). */
export function serverTime(ms: number, zone: string): string {
  const p = partsIn(ms, zone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

export function localTime(ms: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}

/** "3 minutes ago", in the page's language. */
export function relative(ms: number, now: number, locale: string, justNow: string): string {
  const seconds = Math.round((ms - now) / 1000);
  // a time a little ahead of this device's clock (the server's runs a little fast) is still just now
  if (seconds > -45 && seconds < 300) return justNow;
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const units: [Intl.RelativeTimeFormatUnit, number][] = [['minute', 60], ['hour', 3600], ['day', 86400], ['week', 604800]];
  let [unit, size] = units[0]!;
  for (const u of units) if (Math.abs(seconds) >= u[1]) [unit, size] = u;
  return rtf.format(Math.round(seconds / size), unit);
}

/** 13800000000 as 138****0000. */
export function maskPhone(phone: string): string {
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : phone;
}
