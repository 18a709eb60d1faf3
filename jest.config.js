/** One jest run over unit tests (next to the code) and cross-service suites in tests/. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/services', '<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/services/web/'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // ESM-only packages the services load with Node's require(esm); jest needs them transformed.
  transformIgnorePatterns: ['/node_modules/(?!(jose|email-reply-parser)/)'],
  moduleNameMapper: {
    '^@inbox/lib$': '<rootDir>/services/lib/src/index.ts',
    '^@inbox/lib/gen/(.*)$': '<rootDir>/services/lib/src/gen/$1',
    '^@inbox/testkit$': '<rootDir>/services/testkit/src/index.ts',
  },
  // Removes the scratch directories each file made (@inbox/testkit scratchDirectory).
  setupFilesAfterEnv: ['<rootDir>/services/testkit/src/jest-setup.ts'],
  testTimeout: 120000,
  verbose: true,
};
