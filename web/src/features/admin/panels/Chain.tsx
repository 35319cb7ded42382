import { useEffect, useState } from 'preact/hooks';
import { call } from '../../../api/client';
import { useI18n } from '../../../ui/i18n';
import { named, Table } from '../../../ui/tables';
import { failure, Status } from '../parts';

interface Chain {
  pending: { kind: string; steps: number; next_due: string | null }[];
  last_24h: { kind: string; provider: string; messages: number; accepted: number; failed: number; partial: number; sent: number }[];
  unacknowledged_24h: number;
  unacknowledged: { event_id: string; device: string; createtime: string; minutes: number }[];
}

export function ChainPanel() {
  const { t } = useI18n();
  const [data, setData] = useState<Chain | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void call<Chain>('/admin/user', 'alerts', 'chain').then((r) => (r.key === 'OK' ? setData(r.data) : setError(failure(t, r))));
  }, []);
  const kindName = (prefix: 'step_', kind: string) => named(t, `${prefix}${kind}`, kind);
  return (
    <>
      <Status text={error} error />
      {data && (
        <>
          <h3>{t('pendingSteps')}</h3>
          {data.pending.length === 0 ? <p>{t('noPending')}</p> : (
            <ul>{data.pending.map((p) => <li>{kindName('step_', p.kind)}: {p.steps}{p.next_due ? ` (${t('nextDue', { when: p.next_due })})` : ''}</li>)}</ul>
          )}
          <h3>{t('sends24h')}</h3>
          {data.last_24h.length === 0 ? <p>{t('noSends')}</p> : (
            <Table caption={t('sends24h')} head={[t('colKind'), t('colProvider'), t('colSent'), t('colMessages'), t('colAccepted'), t('colFailed')]}>
              {data.last_24h.map((s) => (
                <tr class={s.failed || s.partial ? 'failing' : ''}>
                  <th scope="row">{kindName('step_', s.kind)}</th>
                  <td>{s.provider}</td>
                  <td>{s.sent}</td>
                  <td>{s.messages}</td>
                  <td>{s.accepted}</td>
                  <td>{s.failed + s.partial}</td>
                </tr>
              ))}
            </Table>
          )}
          <h3>{t('unacked24h', { n: data.unacknowledged_24h })}</h3>
          <ul>{data.unacknowledged.map((u) => <li>{t('unackedAgo', { camera: u.device, n: u.minutes })} ({u.createtime})</li>)}</ul>
        </>
      )}
    </>
  );
}
