import type { Session } from '../api/client';
import { useI18n } from './i18n';
import { localTime, parseServerTime, relative } from './time';

/** A server time in the reader's own zone and words, with how long ago. */
export function When({ text, session, now }: { text: string; session: Session; now: number }) {
  const { locale, t } = useI18n();
  const ms = parseServerTime(text, session.timezone);
  if (Number.isNaN(ms)) return <span>{text}</span>;
  return <time dateTime={new Date(ms).toISOString()}>{localTime(ms, locale)} · {relative(ms, now, locale, t('justNow'))}</time>;
}
