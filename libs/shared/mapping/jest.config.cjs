module.exports = { ...require('../../../jest.preset.cjs'), displayName: 'mapping', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.unit.spec.ts'] };
