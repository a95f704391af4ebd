module.exports = { ...require('../../../jest.preset.cjs'), displayName: 'orders-domain', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.unit.spec.ts'] };
