import { useState } from 'preact/hooks';
import { call, type Session } from '../../../api/client';
import { useI18n } from '../../../ui/i18n';
import { failure, Status, usePages } from '../parts';

interface Account { phone: string; nickname: string | null; role: 'admin' | 'user'; created_at: string; cameras: number; sessions: number }

export function Accounts({ session }: { session: Session }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [message, setMessage] = useState<{ text: string; error?: boolean } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const SIZE = 20;
  const { data, error, load, pager } = usePages(SIZE, (at) => call<{ total: number; list: Account[] }>('/admin/user', 'user', 'search', { q, limit: SIZE, offset: at }));
  const act = async (subtype: string, data: Record<string, unknown>) => {
    const r = await call('/admin/user', 'user', subtype, data);
    setMessage(r.key === 'OK' ? { text: t('done') } : { text: failure(t, r)!, error: true });
    setConfirming(null);
    void load();
  };
  return (
    <>
      <form role="search" onSubmit={(e) => {
        e.preventDefault();
        void load(0);
      }}>
        <label for="account-q">{t('searchAccounts')}</label>
        <input id="account-q" type="search" value={q} maxLength={32} onInput={(e) => setQ(e.currentTarget.value)} />
        <button type="submit" class="primary">{t('search')}</button>
      </form>
      <Status text={error ?? message?.text ?? null} error={error !== null || message?.error} />
      {data && <p>{t('results', { n: data.total })}</p>}
      {data && data.list.length > 0 && (
        <ul class="rows">
          {data.list.map((a) => (
            <li class="card" aria-labelledby={`acct-${a.phone}`}>
              <h3 id={`acct-${a.phone}`}>{a.phone}{a.nickname ? ` · ${a.nickname}` : ''}</h3>
              <p>{t('colRole')}: {a.role === 'admin' ? t('roleAdmin') : t('roleUser')} · {t('colCameras')}: {a.cameras} · {t('colSessions')}: {a.sessions}</p>
              <div class="ways" role="group" aria-label={`${t('colActions')} ${a.phone}`}>
                {a.phone !== session.phone && (
                  <button type="button" class="secondary" onClick={() => act('role', { phone: a.phone, role: a.role === 'admin' ? 'user' : 'admin' })}>
                    {a.role === 'admin' ? t('removeAdmin') : t('makeAdmin')}
                  </button>
                )}
                <button type="button" class="secondary" onClick={() => act('signout', { phone: a.phone })}>{t('signOutEverywhere')}</button>
                {a.phone !== session.phone && confirming !== a.phone && <button type="button" class="secondary danger" onClick={() => setConfirming(a.phone)}>{t('deleteAccountOf')}</button>}
              </div>
              {confirming === a.phone && (
                <div role="alertdialog" aria-labelledby={`del-${a.phone}`} class="note">
                  <p id={`del-${a.phone}`}>{t('confirmDelete', { phone: a.phone })}</p>
                  <div class="ways">
                    <button type="button" class="primary danger" onClick={() => act('delete', { phone: a.phone })}>{t('confirm')}</button>
                    <button type="button" class="secondary" onClick={() => setConfirming(null)}>{t('cancel')}</button>
                  </div>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {pager}
    </>
  );
}
