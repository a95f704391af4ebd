module.exports = { ...require('../../../jest.preset.cjs'), displayName: 'orders-application', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.unit.spec.ts'] };
