module.exports = { ...require('../../jest.preset.cjs'), displayName: 'orders', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.unit.spec.ts'] };
