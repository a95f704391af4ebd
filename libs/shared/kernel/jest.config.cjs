module.exports = { ...require('../../../jest.preset.cjs'), displayName: 'kernel', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.unit.spec.ts'] };
