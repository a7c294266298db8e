// Import rules for the whole monorepo, checked by `pnpm run lint:deps` (part of `npm test`):
// no import cycles (type-only imports included: they were how the last three crept in) and the
// layer boundaries a newcomer relies on. Each rule says why it exists.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Modules that import each other (even for types only) have no clear layer order: move the shared part into a third module.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-cross-package-src',
      severity: 'error',
      comment:
        'Packages use each other through their package name (built exports), never by relative path into src.',
      from: { path: '^(packages|tools)/([^/]+)/' },
      to: { path: '^(packages|tools)/[^/]+/src/', pathNot: '^$1/$2/' },
    },
    {
      name: 'no-src-to-test',
      severity: 'error',
      comment: 'Shipped code never depends on test code.',
      from: { path: '^(packages|tools)/[^/]+/src/' },
      to: { path: '^(packages|tools)/[^/]+/test/' },
    },
    {
      name: 'published-not-on-test-tools',
      severity: 'error',
      comment: 'The published packages must not depend on test-only tools or the bench.',
      from: { path: '^packages/(transport|lobby-server)/src/' },
      to: { path: '(^|/)(tools/[^/]+|packages/bench)/' },
    },
    {
      name: 'transport-native-only-in-rtc',
      severity: 'error',
      comment:
        'Only rtc/ and the Node entry points load node-datachannel, so the browser build (browser.ts) never pulls it in; type-only imports are fine.',
      from: {
        path: '^packages/transport/src/',
        pathNot: '^packages/transport/src/(rtc/|index\\.ts$|authority\\.ts$)',
      },
      to: { path: 'node-datachannel', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'transport-sync-engine-no-network',
      severity: 'error',
      comment:
        'The sync engine (schema, bits, snapshot, server, client, input, rate) works without sockets; only sync/glue touches connections.',
      from: { path: '^packages/transport/src/sync/(?!glue/)' },
      to: { path: '^packages/transport/src/(connection|rtc|signal|negotiation|channel|stats)/' },
    },
    {
      name: 'lobby-client-browser-safe',
      severity: 'error',
      comment:
        'The lobby client runs in browsers: it never imports the server side (server, store, cluster, services) or a Node core module.',
      from: { path: '^packages/lobby-server/src/client/' },
      to: {
        path: '^packages/lobby-server/src/(server|store|cluster|matchmaking|rooms|sessions|signaling|metrics|config|state)/|^node:',
      },
    },
    {
      name: 'lobby-client-transport-pure-entries',
      severity: 'error',
      comment:
        "The lobby client takes only the transport's pure subpath (`/emitter`) and types: its root entry loads node-datachannel, which must never reach a browser bundle.",
      from: { path: '^packages/lobby-server/src/client/' },
      to: {
        path: '^packages/transport/dist/',
        pathNot: '^packages/transport/dist/events/emitter\\.(js|d\\.ts)$',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'lobby-protocol-is-a-leaf',
      severity: 'error',
      comment:
        'Wire types and schemas are shared by server and client: they depend on no service or server module.',
      from: { path: '^packages/lobby-server/src/protocol/' },
      to: {
        path: '^packages/lobby-server/src/(server|store|cluster|matchmaking|rooms|sessions|signaling|metrics|config|client)/',
      },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    // Workspace packages resolve through their `exports` to their built dist/: kept in the graph
    // (so rules can see which entry a package takes) but not followed into.
    doNotFollow: { path: ['node_modules', '^(packages|tools)/[^/]+/dist/'] },
    exclude: { path: '^(packages|tools)/[^/]+/\\.blocks/' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'types', 'default'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
