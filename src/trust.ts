import proxyaddr from 'proxy-addr';

export type Trust = (address: string, hop: number) => boolean;

/**
 * TRUST_PROXY: empty (trust no proxy, the client address is the peer's),
 * `true` (every hop), a number of hops, or a comma-separated list of
 * addresses, subnets and proxy-addr's names (loopback, linklocal, uniquelocal).
 * Throws on anything else.
 */
export function compileTrust(setting: string | false): Trust {
  const value = (setting || '').trim();
  if (value === '' || value === 'false') return () => false;
  if (value === 'true') return () => true;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  return proxyaddr.compile(value.split(',').map((v) => v.trim()));
}
