/**
 * The import rules `npm test` checks first (dependency-cruiser): no circle, no import up the layers
 * (entry points -> server -> app -> endpoints -> envelope -> services -> db, with the base modules
 * below them all), and a service domain (src/services/<domain>/) reached from outside only through
 * its index.ts. Type-only imports count too. In the console (web/src), a feature never imports another. docs/ARCHITECTURE.md explains the layers and domains.
 */
const BASE = '^src/(config|clock|log|status|threads|paths|trust)\\.ts$';
const layers = [
  ['entry', '^src/(main\\.ts$|cli/)'],
  ['server', '^src/server\\.ts$'],
  ['app', '^src/app\\.ts$'],
  ['endpoints', '^src/endpoints/'],
  ['envelope', '^src/envelope/'],
  ['services', '^src/services/'],
  ['db', '^src/db/'],
];

/** One rule per layer: nothing in it imports a layer above it. */
const upward = layers.slice(1).map(([name, path], i) => ({
  name: `no-upward-import-from-${name}`,
  comment: `${name} imports only layers below it (${layers.slice(i + 2).map(([n]) => n).join(', ') || 'none'}) and the base modules`,
  severity: 'error',
  from: { path },
  to: { path: layers.slice(0, i + 1).map(([, p]) => `(${p})`).join('|') },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'a module that reaches itself again through its imports: the lower one gets a type it owns or a callback it is handed',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...upward,
    {
      name: 'no-layer-import-from-base',
      comment: 'the base modules (config, clock, log, status, threads, paths, trust) import only each other',
      severity: 'error',
      from: { path: BASE },
      to: { path: '^src/', pathNot: BASE },
    },
    {
      name: 'domain-only-through-its-index',
      comment: 'a service domain is reached from outside only through what its index.ts exports',
      severity: 'error',
      from: { path: '^src/services/([^/]+)/' },
      to: { path: '^src/services/[^/]+/', pathNot: ['^src/services/$1/', '^src/services/[^/]+/index\\.ts$'] },
    },
    {
      name: 'outside-only-through-domain-index',
      comment: 'code outside the service domains (the wiring, endpoints, envelope, server, commands) uses a domain through its index.ts',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/services/[^/]+/' },
      to: { path: '^src/services/[^/]+/', pathNot: '^src/services/[^/]+/index\\.ts$' },
    },
    {
      name: 'console-feature-not-to-another',
      comment: 'a console feature (web/src/features/<name>/) never imports another one: what two share lives in web/src/ui/ or web/src/api/',
      severity: 'error',
      from: { path: '^web/src/features/([^/]+)/' },
      to: { path: '^web/src/features/', pathNot: '^web/src/features/$1/' },
    },
    {
      name: 'console-shared-not-to-features',
      comment: 'web/src/ui/ and web/src/api/ are below the features: they import neither a feature nor the shell',
      severity: 'error',
      from: { path: '^web/src/(ui|api)/' },
      to: { path: '^web/src/(features/|app\\.tsx$|main\\.tsx$)' },
    },
    {
      name: 'console-not-to-server-code',
      comment: 'the console takes only types from the server (web/src/api/types.ts), never its code',
      severity: 'error',
      from: { path: '^web/src/' },
      to: { path: '^src/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'domain-not-to-wiring',
      comment: 'src/services/index.ts builds the domains; a domain does not import it back',
      severity: 'error',
      from: { path: '^src/services/[^/]+/' },
      to: { path: '^src/services/index\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'] },
  },
};
