import { useEffect, useRef, useState } from 'preact/hooks';
import { call } from '../../../api/client';
import { useI18n } from '../../../ui/i18n';
import { Table } from '../../../ui/tables';
import { failure, Status } from '../parts';

interface Package { id: number; platform: string; version: string; desc: string | null; size: number; sha256: string; path: string; created_at: string }

export function Packages() {
  const { t, locale } = useI18n();
  const [list, setList] = useState<Package[] | null>(null);
  const [message, setMessage] = useState<{ text: string; error?: boolean } | null>(null);
  const [version, setVersion] = useState('');
  const [platform, setPlatform] = useState('');
  const [desc, setDesc] = useState('');
  const file = useRef<HTMLInputElement>(null);
  const load = async () => {
    const r = await call<{ list: Package[] }>('/upgrade', 'upgrade', 'list');
    if (r.key === 'OK') setList(r.data.list);
  };
  useEffect(() => void load(), []);
  const size = (n: number) => new Intl.NumberFormat(locale, { style: 'unit', unit: n >= 1e6 ? 'megabyte' : 'kilobyte', maximumFractionDigits: 1 }).format(n >= 1e6 ? n / 1e6 : n / 1e3);
  return (
    <>
      <form class="card" onSubmit={async (e) => {
        e.preventDefault();
        const chosen = file.current?.files?.[0];
        if (!chosen) return;
        const bytes = new Uint8Array(await chosen.arrayBuffer());
        let binary = '';
        for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        const r = await call('/upgrade', 'upgrade', 'upload', { version: version.trim(), platform: platform.trim(), desc: desc.trim() || undefined, base64: btoa(binary), filename: chosen.name });
        setMessage(r.key === 'OK' ? { text: t('done') } : { text: failure(t, r)!, error: true });
        if (r.key === 'OK') void load();
      }}>
        <h3>{t('uploadPackage')}</h3>
        <label for="pkg-file">{t('packageFile')}</label>
        <input id="pkg-file" type="file" ref={file} required />
        <label for="pkg-version">{t('packageVersion')}</label>
        <input id="pkg-version" value={version} required maxLength={32} onInput={(e) => setVersion(e.currentTarget.value)} />
        <label for="pkg-platform">{t('packagePlatform')}</label>
        <input id="pkg-platform" value={platform} maxLength={32} onInput={(e) => setPlatform(e.currentTarget.value)} />
        <label for="pkg-desc">{t('packageDesc')}</label>
        <input id="pkg-desc" value={desc} maxLength={200} onInput={(e) => setDesc(e.currentTarget.value)} />
        <button type="submit" class="primary">{t('upload')}</button>
      </form>
      <Status text={message?.text ?? null} error={message?.error} />
      {list && list.length === 0 && <p>{t('noPackages')}</p>}
      {list && list.length > 0 && (
        <Table caption={t('adminPackages')} head={[t('colVersion'), t('colPlatform'), t('colSize'), t('colUploaded'), t('colActions')]}>
          {list.map((p) => (
            <tr>
              <th scope="row"><a href={p.path}>{p.version}</a>{p.desc ? <><br /><small>{p.desc}</small></> : null}</th>
              <td>{p.platform || t('allPlatforms')}</td>
              <td>{size(p.size)}</td>
              <td>{p.created_at}</td>
              <td><button type="button" class="secondary danger" onClick={async () => {
                const r = await call('/upgrade', 'upgrade', 'delete', { id: p.id });
                setMessage(r.key === 'OK' ? { text: t('done') } : { text: failure(t, r)!, error: true });
                void load();
              }}>{t('deletePackage', { version: p.version })}</button></td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}
