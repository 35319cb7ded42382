import type { Session } from '../../api/client';
import { useI18n } from '../../ui/i18n';
import { PANELS, TITLES, type Panel } from './panels';
import { Accounts } from './panels/Accounts';
import { Audit } from './panels/Audit';
import { Cameras } from './panels/Cameras';
import { ChainPanel } from './panels/Chain';
import { Packages } from './panels/Packages';
import { Reports } from './panels/Reports';

export function Admin({ session, panel }: { session: Session; panel: Panel }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="admin-heading">
      <h1 id="admin-heading">{t('admin')}: {t(TITLES[panel])}</h1>
      <nav aria-label={t('adminSections')} class="subtabs">
        {PANELS.map((p) => <a href={`#/admin/${p}`} aria-current={p === panel ? 'page' : undefined}>{t(TITLES[p])}</a>)}
      </nav>
      {panel === 'accounts' && <Accounts session={session} />}
      {panel === 'cameras' && <Cameras />}
      {panel === 'chain' && <ChainPanel />}
      {panel === 'reports' && <Reports session={session} />}
      {panel === 'audit' && <Audit />}
      {panel === 'packages' && <Packages />}
    </section>
  );
}
