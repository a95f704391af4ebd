// Shared Jest settings: TypeScript through SWC (decorator metadata kept for Nest),
// workspace libs resolved from their sources through the "@datamingle/source" condition.
const swc = {
  swcrc: false,
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};
module.exports = {
  testEnvironment: 'node',
  testEnvironmentOptions: { customExportConditions: ['@datamingle/source', 'node', 'require', 'default'] },
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
};
