// Architecture rules that check themselves (npm run lint:deps, part of the test command):
// services never reach into each other's source, inner layers never depend on outer ones
// (domain <- use cases <- adapters <- main), domain code is free of transports and drivers, and
// production code never imports test code. Known violations of the target layout are listed in
// .dependency-cruiser-known-violations.json: they may only shrink; anything new fails.
const SERVICES = '(conversation|ingest|routing|search|notification|gateway|lib|web)';
const DRIVERS_IN_NODE_MODULES = 'node_modules/(@grpc/grpc-js|express|pg|@nats-io|redis|@opensearch-project|nodemailer|ws|smtp-server)/';

module.exports = {
  forbidden: [
    {
      name: 'gateway-routes-stand-alone',
      comment: 'A gateway route module shares shapes through http/shapes and helpers through auth/ or http/, never through another route module.',
      severity: 'error',
      from: { path: '^services/gateway/src/http/routes/([^/]+)\\.ts$' },
      to: { path: '^services/gateway/src/http/routes/', pathNot: '^services/gateway/src/http/routes/$1\\.ts$' },
    },
    {
      name: 'no-other-service-source',
      comment: 'A service uses another only through its contract (protos) or the shared @inbox/lib package, never its source.',
      severity: 'error',
      from: { path: `^services/${SERVICES}/` },
      to: { path: `^services/${SERVICES}/`, pathNot: ['^services/$1/', '^services/lib/'] },
    },
    {
      name: 'lib-depends-on-no-service',
      comment: 'The shared package is below every service.',
      severity: 'error',
      from: { path: '^services/lib/src/' },
      to: { path: `^services/(?!lib/)${SERVICES}/` },
    },
    {
      name: 'domain-is-pure',
      comment: 'Domain rules are pure: no use cases, adapters or other layers (libraries are checked by domain-no-drivers).',
      severity: 'error',
      from: { path: '^services/[^/]+/src/.*domain/', pathNot: '\\.test\\.ts$' },
      to: {
        pathNot: ['^services/[^/]+/src/.*domain/', '^services/lib/src/(domain|gen)/', 'node_modules/'],
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'domain-no-drivers',
      severity: 'error',
      from: { path: '^services/[^/]+/src/.*domain/' },
      to: { path: DRIVERS_IN_NODE_MODULES },
    },
    {
      name: 'use-cases-not-adapters',
      comment: 'Use cases receive their stores and senders through interfaces; they never import an adapter.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/.*use-cases/', pathNot: '\\.test\\.ts$' },
      to: { path: ['^services/[^/]+/src/.*(adapters|http|realtime)/', '^services/[^/]+/src/modules/[^/]+/adapters\\.ts$'] },
    },
    {
      name: 'module-publics-only',
      comment: 'Outside a module, only its index.ts (use cases, rules, store interfaces) and adapters.ts (for main and the edges) are used.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/', pathNot: '^services/[^/]+/src/modules/' },
      to: { path: '^services/[^/]+/src/modules/[^/]+/', pathNot: '^services/[^/]+/src/modules/[^/]+/(index|adapters)\\.ts$' },
    },
    {
      name: 'modules-talk-through-publics',
      comment: 'A module uses another only through its index.ts or adapters.ts, never the files behind them.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/modules/([^/]+)/' },
      to: { path: '^services/[^/]+/src/modules/', pathNot: ['^services/[^/]+/src/modules/$1/', '^services/[^/]+/src/modules/[^/]+/(index|adapters)\\.ts$'] },
    },
    {
      name: 'adapters-not-main',
      severity: 'error',
      from: { path: '^services/[^/]+/src/' },
      to: { path: '^services/[^/]+/src/main\\.ts$' },
    },
    {
      name: 'no-tests-from-production',
      comment: 'Production code never imports test code; unit tests get their support from @inbox/testkit, not ../../tests.',
      severity: 'error',
      from: { path: '^services/' },
      to: { path: '^tests/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^services/[^/]+/src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|gen)/|^services/web/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
