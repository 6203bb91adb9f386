// Three projects (unit, int, e2e), as in docs/style.md §8. swc keeps transpiling fast
// and emits decorator metadata for the Nest and TypeORM classes.
const swc = ['@swc/jest', {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
}];
const moduleNameMapper = {
  '^@kplane/(.*)$': '<rootDir>/libs/$1/src/index.ts',
};
// @kubernetes/client-node 1.x and a few of its dependencies ship ES modules only; jest runs
// CommonJS, so swc transforms exactly those packages.
const ESM_PACKAGES = ['@kubernetes/client-node', 'openid-client', 'oauth4webapi', 'jose', 'jsonpath-plus', 'rfc4648'];
const common = {
  rootDir: __dirname,
  transform: { '^.+\\.(ts|js|mjs)$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  moduleNameMapper,
  testEnvironment: 'node',
};

module.exports = {
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...common, displayName: 'int', testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'], globalSetup: '<rootDir>/libs/testing/src/global-setup.ts' },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'], globalSetup: '<rootDir>/libs/testing/src/global-setup.ts' },
    // Fault injection (SIGKILL, Redis/Postgres restarts) runs only when asked for by name
    // (`npm run test:faults` = `jest --selectProjects faults`), so plain `npm test` stays fast.
    ...(process.argv.includes('faults')
      ? [{ ...common, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.faults-spec.ts'], globalSetup: '<rootDir>/libs/testing/src/global-setup.ts' }]
      : []),
  ],
};
