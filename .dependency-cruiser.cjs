/**
 * The module rules of docs/architecture (issue 17), checked by `npm run lint:deps` in `npm test`.
 * Top-level folders of src/ are the modules: capabilities (monitor, alerting, remediation,
 * metrics-api, sim), the shared kernel (kube, store, http, util, prometheus) and the composition
 * (config, server, platform, cli).
 */
const CAPABILITIES = '(monitor|alerting|remediation|metrics-api|sim|leaks|agent|analysis|chaos)';
const COMPOSITION = '(config|server|platform|cli)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-module-cycles',
      comment: 'No import cycle between the top-level modules of src/ (a cycle between two files is one too).',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/[^/]+$' },
      to: { path: '^src/[^/]+$', circular: true },
    },
    {
      name: 'no-file-cycles',
      comment: 'No runtime cycle between files either (a type-only import is erased, so it does not count).',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'kernel-imports-no-capability',
      comment: 'store, kube, http, util and prometheus are shared by every capability and know none of them.',
      severity: 'error',
      from: { path: '^src/(store|kube|http|util|prometheus)/' },
      to: { path: `^src/(${CAPABILITIES.slice(1, -1)}|${COMPOSITION.slice(1, -1)})/` },
    },
    {
      name: 'capabilities-import-no-composition',
      comment: 'A capability owns its config, routes and wiring; config/, server/ and platform/ compose capabilities, never the reverse.',
      severity: 'error',
      from: { path: `^src/${CAPABILITIES}/` },
      to: { path: `^src/${COMPOSITION}/` },
    },
    {
      name: 'sim-internals-stay-in-the-sim',
      comment: 'Kubeloop reaches any cluster through src/kube only; the sim is started by the CLI (sim, up) and by tests.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/sim/', '^src/cli/(sim|up)[-.]'] },
      to: { path: '^src/sim/' },
    },
    {
      name: 'sql-only-in-the-store',
      comment: 'The store is closed: queries and database drivers stay in src/store.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/store/' },
      to: { path: 'node_modules/(kysely|better-sqlite3|pg)/' },
    },
    {
      name: 'no-test-code-in-production',
      severity: 'error',
      from: { path: '^src/', pathNot: ['\\.test\\.ts$', 'test-support', 'test-backends', 'fixtures\\.test-support'] },
      to: { path: ['\\.test\\.ts$', '^test/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Tests and their support modules may reach anything.
    exclude: { path: ['\\.test\\.ts$', 'test-support\\.ts$', 'test-backends\\.ts$'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};
