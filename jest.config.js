// Unit tests sit beside the code (src/**/*.spec.ts), or in test/ (*.spec.ts) when they test
// test code (the reference model, the lint rule); end-to-end tests in test/ (*.e2e-spec.ts).
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
  // ES-module-only packages, compiled to CommonJS for Jest's runtime (see the transformer).
  '^.+\\.m?js$': '<rootDir>/test/jest/esm-to-cjs.transformer.js',
};
// Transform only packages published as ES modules; everything else loads as is.
const transformIgnorePatterns = [
  '/node_modules/(?!(@nestjs|@as-integrations|typeorm|@apollo|@graphql-tools|graphql-ws|@electric-sql|fast-check|lru-cache|@whatwg-node|cross-inspect|file-type|strtok3|token-types|@tokenizer|@borewit|uint8array-extras|@standard-schema|tinyglobby|fdir|ansis|yargs|yargs-parser|cliui|y18n|string-width|strip-ansi|ansi-regex|ansi-styles|wrap-ansi|get-east-asian-width|@apollo|load-esm|@ucast|@casl)/)',
];

const common = { testEnvironment: 'node', rootDir: '.', transform, transformIgnorePatterns };

module.exports = {
  // Boots of the gateway on PGlite take seconds; suites set longer limits where they need them.
  testTimeout: 120000,
  // One migrated template for every in-memory embedded database of the run (PGLITE_TEMPLATE_DIR).
  globalSetup: '<rootDir>/test/jest/global-setup.js',
  globalTeardown: '<rootDir>/test/jest/global-teardown.js',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
