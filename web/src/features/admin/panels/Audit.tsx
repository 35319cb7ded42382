import { useState } from 'preact/hooks';
import { call } from '../../../api/client';
import { useI18n } from '../../../ui/i18n';
import type { Key } from '../../../ui/strings';
import { AuditTable, type AuditEntry } from '../../../ui/tables';
import { Status, usePages } from '../parts';

const KINDS = ['signin', 'signin.failed', 'signout', 'session.revoke', 'signup', 'password.change', 'password.reset', 'phone.change', 'account.delete', 'account.export',
  'device.add', 'device.bind', 'device.unbind', 'device.claim', 'device.alerts', 'device.oncall', 'device.pause', 'device.resume', 'device.drill', 'notice.ack', 'notice.verdict',
  'admin.grant', 'admin.revoke', 'admin.update', 'admin.signout', 'admin.delete', 'upgrade.upload', 'upgrade.delete'];

export function Audit() {
  const { t } = useI18n();
  const [phone, setPhone] = useState('');
  const [camera, setCamera] = useState('');
  const [kind, setKind] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const SIZE = 50;
  const { data, error, load, pager } = usePages(SIZE, (at) => {
    const filter: Record<string, unknown> = { limit: SIZE, offset: at };
    if (phone.trim()) filter.phone = phone.trim();
    if (camera.trim()) filter.device_id = camera.trim();
    if (kind) filter.kind = kind;
    if (from) filter.from = from;
    if (to) filter.to = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    return call<{ total: number; list: AuditEntry[] }>('/admin/user', 'audit', 'list', filter);
  });
  return (
    <>
      <form class="filters" onSubmit={(e) => {
        e.preventDefault();
        void load(0);
      }}>
        <div><label for="audit-phone">{t('filterAccount')}</label><input id="audit-phone" inputMode="tel" value={phone} maxLength={32} onInput={(e) => setPhone(e.currentTarget.value)} /></div>
        <div><label for="audit-camera">{t('filterCamera')}</label><input id="audit-camera" value={camera} maxLength={64} onInput={(e) => setCamera(e.currentTarget.value)} /></div>
        <div>
          <label for="audit-kind">{t('filterKind')}</label>
          <select id="audit-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
            <option value="">{t('anyKind')}</option>
            {KINDS.map((k) => <option value={k}>{t(`audit_${k}` as Key)}</option>)}
          </select>
        </div>
        <div><label for="audit-from">{t('from')}</label><input id="audit-from" type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} /></div>
        <div><label for="audit-to">{t('to')}</label><input id="audit-to" type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} /></div>
        <button type="submit" class="primary">{t('search')}</button>
      </form>
      <Status text={error} error />
      {data && <p>{t('results', { n: data.total })}</p>}
      {data && <AuditTable list={data.list} caption={t('adminAudit')} />}
      {pager}
    </>
  );
}
