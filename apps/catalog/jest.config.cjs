module.exports = { ...require('../../jest.preset.cjs'), displayName: 'catalog', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.unit.spec.ts'] };
