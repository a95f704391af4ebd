module.exports = { ...require('../../../jest.preset.cjs'), displayName: 'contracts', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.unit.spec.ts'] };
