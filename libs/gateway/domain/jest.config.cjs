module.exports = { ...require('../../../jest.preset.cjs'), displayName: 'gateway-domain', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.unit.spec.ts'] };
