// Root Jest config: the three test tiers, named by file suffix.
const preset = require('./jest.preset.cjs');
const roots = ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/examples', '<rootDir>/deploy'].filter((r) =>
  require('node:fs').existsSync(r.replace('<rootDir>', __dirname)),
);
const tier = (name, extra = {}) => ({
  ...preset,
  displayName: name,
  rootDir: __dirname,
  roots,
  testMatch: [`**/*.${name}.spec.ts`],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  ...extra,
});
const withPg = {
  globalSetup: '<rootDir>/tools/jest/pg-global-setup.mjs',
  globalTeardown: '<rootDir>/tools/jest/pg-global-teardown.mjs',
};
module.exports = {
  projects: [tier('unit'), tier('int', { ...withPg, slowTestThreshold: 30 }), tier('e2e', { ...withPg, slowTestThreshold: 60, setupFilesAfterEnv: ['<rootDir>/tools/jest/e2e-setup.ts'] })],
};
