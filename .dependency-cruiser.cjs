// The dependency rules of src/, checked by `npm run lint` (dependency-cruiser).
// Layers, top to bottom: app.module / api.module → features (organizations, users, spaces,
// content, sso, world-import, dev, cli) → graphql (Apollo set-up) → access (authorization)
// → auth (authentication) → audit, database, config, common.

/** The files of graphql/ that features may use: pagination, the viewer, loaders, the Node interface and registry. */
const GRAPHQL_PUBLIC =
  '^src/graphql/(pagination|keyset-page|node[.]interface|node-registry|graphql-context[.]decorator|request-loaders|selection|prefetched|enums|carried-check)[.]ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycles',
      comment:
        'Folders of src/ form no cycle: if a/ imports b/, nothing in b/ imports a/ (directly or through other folders).',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src' },
      to: { circular: true },
    },
    {
      name: 'no-cross-folder-module-cycles',
      comment: 'No import cycle between modules that leaves its folder.',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { circular: true, viaSomeNot: '^src/$1/' },
    },
    {
      name: 'access-not-sso',
      comment: 'Authorization (access/) never depends on SSO (sso/).',
      severity: 'error',
      from: { path: '^src/access/' },
      to: { path: '^src/sso/' },
    },
    {
      name: 'auth-is-authentication-only',
      comment: 'auth/ knows who calls, nothing above it: not access/, sso/, graphql/ or a feature.',
      severity: 'error',
      from: { path: '^src/auth/' },
      to: {
        path: '^src/(access|sso|dev|graphql|organizations|users|spaces|content|world-import|cli|rate-limit|observability|policy)/',
      },
    },
    {
      name: 'features-not-graphql-internals',
      comment:
        'Features use only the public files of graphql/ (pagination, viewer, loaders, Node); Apollo set-up is not theirs.',
      severity: 'error',
      from: { path: '^src/[^/]+/', pathNot: '^src/graphql/' },
      to: { path: '^src/graphql/', pathNot: GRAPHQL_PUBLIC },
    },
    {
      name: 'root-is-the-top',
      comment:
        'The application root (app.module, api.module, app.factory, main) is imported by no folder; print-schema is an entry point.',
      severity: 'error',
      from: { path: '^src/[^/]+/', pathNot: '^src/graphql/print-schema[.]ts$' },
      to: { path: '^src/[^/]+[.]ts$' },
    },
    {
      name: 'testing-only-for-specs',
      comment: 'Helpers under a testing/ folder are for unit specs only; the production build leaves them out.',
      severity: 'error',
      from: { path: '^src/', pathNot: '/testing/' },
      to: { path: '^src/.+/testing/' },
    },
    {
      name: 'src-not-test',
      comment: 'Production code never imports test code.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    // Unit specs are test code: they may reach across folders and into test/support.
    exclude: { path: '[.]spec[.]ts$' },
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
