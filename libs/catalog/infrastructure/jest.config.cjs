module.exports = { ...require('../../../jest.preset.cjs'), displayName: 'catalog-infrastructure', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.unit.spec.ts'] };
