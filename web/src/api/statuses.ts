import catalogue from './statuses.json';

/**
 * A reply's status number turned into its key, by the answering URL's local table and then the global one:
 * the console's one table of statuses, as the server's replyFor is (generated from the server's tables
 * into statuses.json by `npm run statuses`; a test fails while it is stale). Components compare keys.
 */
export type StatusKey = keyof typeof catalogue.global | { [P in keyof typeof catalogue.paths]: keyof typeof catalogue.paths[P]['local'] }[keyof typeof catalogue.paths] | 'UNLISTED';

const paths: Record<string, { local: Record<string, number> }> = catalogue.paths;
const global: Record<string, number> = catalogue.global;

export function keyOf(path: string | undefined, status: number): StatusKey {
  const local = path === undefined ? undefined : paths[path]?.local;
  for (const table of [local, global]) {
    for (const key in table) if (table[key] === status) return key as StatusKey;
  }
  return 'UNLISTED';
}
