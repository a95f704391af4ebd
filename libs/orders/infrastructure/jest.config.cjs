module.exports = { ...require('../../../jest.preset.cjs'), displayName: 'orders-infrastructure', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.unit.spec.ts'] };
