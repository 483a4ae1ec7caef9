// The portal's browser tests (npm run test:browser): Playwright driving Debian's chromium
// against the real built gateway on the embedded database; kept out of `npm test`.
const base = require('./jest.config.js');

module.exports = {
  testTimeout: 180000,
  globalSetup: base.globalSetup,
  globalTeardown: base.globalTeardown,
  projects: [
    {
      ...base.projects[0],
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
    },
  ],
};
