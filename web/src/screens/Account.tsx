import type { Session } from '../api';
import { useI18n } from '../i18n';
import { maskPhone } from '../time';

export function Account({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="account-heading">
      <h1 id="account-heading">{t('account')}</h1>
      <div class="card">
        <p>{t('signedInAs', { phone: maskPhone(session.phone) })}</p>
        <button type="button" class="secondary" onClick={onSignOut}>{t('signOut')}</button>
      </div>
    </section>
  );
}
