module.exports = { ...require('../../jest.preset.cjs'), displayName: 'launcher', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.unit.spec.ts'] };
