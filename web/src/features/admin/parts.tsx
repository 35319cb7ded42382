import { useEffect, useState } from 'preact/hooks';
import type { Reply } from '../../api/client';
import { useI18n } from '../../ui/i18n';

/** What the Admin panels share: a failure in words, the status line, the pager and paged lists, figures' formats. */
export type T = ReturnType<typeof useI18n>['t'];

/** A call's failure in plain words, or null. */
export function failure(t: T, r: Reply<unknown>): string | null {
  return r.key === 'OK' ? null : t('errorGeneric', { status: r.status, message: r.message });
}

export function Status({ text, error }: { text: string | null; error?: boolean }) {
  return <p role="status" class={error ? 'error' : 'ok'}>{text ?? ''}</p>;
}

/** Previous / next for a paged list. */
export function Pager({ total, offset, size, go }: { total: number; offset: number; size: number; go: (offset: number) => void }) {
  const { t } = useI18n();
  const pages = Math.max(1, Math.ceil(total / size));
  const page = Math.floor(offset / size) + 1;
  if (pages <= 1) return null;
  return (
    <nav class="pager" aria-label={t('pageOf', { page, pages })}>
      <button type="button" class="secondary" disabled={page <= 1} onClick={() => go(offset - size)}>{t('previous')}</button>
      <span>{t('pageOf', { page, pages })}</span>
      <button type="button" class="secondary" disabled={page >= pages} onClick={() => go(offset + size)}>{t('next')}</button>
    </nav>
  );
}

/**
 * A paged list: the page at `offset` from `fetchPage` (the latest render's, so that it sees the form's
 * fields), its failure in words, and the pager under it.
 */
export function usePages<R extends { total: number }>(size: number, fetchPage: (offset: number) => Promise<Reply<R>>) {
  const { t } = useI18n();
  const [offset, setOffset] = useState(0);
  const [data, setData] = useState<R | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = async (at = offset) => {
    setOffset(at);
    const r = await fetchPage(at);
    if (r.key === 'OK') {
      setData(r.data);
      setError(null);
    } else setError(failure(t, r));
  };
  useEffect(() => void load(0), []);
  const pager = data ? <Pager total={data.total} offset={offset} size={size} go={(o) => void load(o)} /> : null;
  return { data, error, load, pager };
}

export const percent = (rate: number | null, locale: string) => (rate === null ? '—' : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(rate));

export function duration(t: T, seconds: number | null): string {
  if (seconds === null) return t('none');
  return seconds < 120 ? t('seconds', { n: seconds }) : t('minutesShort', { n: Math.round(seconds / 60) });
}
