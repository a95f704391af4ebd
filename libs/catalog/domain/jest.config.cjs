module.exports = { ...require('../../../jest.preset.cjs'), displayName: 'catalog-domain', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.unit.spec.ts'] };
