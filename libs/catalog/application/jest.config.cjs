module.exports = { ...require('../../../jest.preset.cjs'), displayName: 'catalog-application', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.unit.spec.ts'] };
