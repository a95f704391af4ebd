// Unit tier of this project (int and e2e run from the root jest.config.cjs, which starts PostgreSQL).
module.exports = { ...require('../../jest.preset.cjs'), displayName: 'example-erp-change-sync', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.unit.spec.ts'] };
