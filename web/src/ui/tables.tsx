import type { ComponentChildren } from 'preact';
import { useI18n } from './i18n';
import { en, type Key } from './strings';

/** A catalogue entry for a name the server sends (a kind of step or entry), or the name itself when there is none. */
export function named(t: (key: Key) => string, key: string, fallback: string): string {
  return key in en ? t(key as Key) : fallback;
}

/** A table that scrolls sideways on a phone rather than squeezing its columns. */
export function Table({ caption, head, children }: { caption: string; head: string[]; children: ComponentChildren }) {
  return (
    <div class="table-wrap" role="region" aria-label={caption} tabIndex={0}>
      <table>
        <caption class="visually-hidden">{caption}</caption>
        <thead><tr>{head.map((h) => <th scope="col">{h}</th>)}</tr></thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

export interface AuditEntry { at: string; kind: string; actor: string; target: string; ip: string; rid: string; device_id: string | null }

/** Audit entries as a table: when, what, who, on whom or what, from where. */
export function AuditTable({ list, caption }: { list: AuditEntry[]; caption: string }) {
  const { t } = useI18n();
  if (list.length === 0) return <p>{t('noEntries')}</p>;
  return (
    <Table caption={caption} head={[t('colWhen'), t('colWhat'), t('colWho'), t('colTarget'), t('colAddress')]}>
      {list.map((e) => (
        <tr>
          <td>{e.at}</td>
          <th scope="row">{named(t, `audit_${e.kind}`, e.kind)}</th>
          <td>{e.actor}</td>
          <td>{e.target}</td>
          <td>{e.ip}</td>
        </tr>
      ))}
    </Table>
  );
}

