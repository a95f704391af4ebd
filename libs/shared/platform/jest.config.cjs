module.exports = { ...require('../../../jest.preset.cjs'), displayName: 'platform', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.unit.spec.ts'] };
