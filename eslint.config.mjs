// Lint: architecture rules checked mechanically. Every project carries two tags (project.json):
// scope:<context>|shared and type:<layer>; both dimensions are constrained below.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const layerConstraints = (testing) => [
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'], bannedExternalImports: ['@nestjs/*', 'typeorm', 'pg'] },
  {
    sourceTag: 'type:domain',
    onlyDependOnLibsWithTags: ['type:domain', 'type:contracts'],
    // Domain code is plain functions: no framework, no I/O.
    bannedExternalImports: ['@nestjs/*', 'typeorm', 'pg', 'kafkajs', '@kurrent/*', '@eventstore/*', 'fastify', 'rxjs', 'node:fs', 'node:net', 'node:http'],
  },
  // Application code talks to the event store through its port (the lib tagged exposes:port).
  { sourceTag: 'type:application', onlyDependOnLibsWithTags: ['type:application', 'type:domain', 'type:contracts', 'exposes:port'] },
  {
    sourceTag: 'type:infrastructure',
    onlyDependOnLibsWithTags: ['type:infrastructure', 'type:application', 'type:domain', 'type:contracts', ...(testing ? ['type:testing'] : [])],
  },
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: ['type:infrastructure', 'type:application', 'type:domain', 'type:contracts', ...(testing ? ['type:testing'] : [])],
  },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:testing', 'type:contracts'] },
];

const scopeConstraints = [
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:orders', onlyDependOnLibsWithTags: ['scope:orders', 'scope:shared'] },
  { sourceTag: 'scope:catalog', onlyDependOnLibsWithTags: ['scope:catalog', 'scope:shared'] },
  { sourceTag: 'scope:inventory', onlyDependOnLibsWithTags: ['scope:inventory', 'scope:shared'] },
  { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:gateway', 'scope:shared'] },
  // The launcher composes every context (migrations, admin CLI).
  { sourceTag: 'scope:platform', onlyDependOnLibsWithTags: ['scope:orders', 'scope:catalog', 'scope:inventory', 'scope:gateway', 'scope:shared'] },
];

const boundaries = (testing) => [
  'error',
  { enforceBuildableLibDependency: false, allow: [], depConstraints: [...layerConstraints(testing), ...scopeConstraints] },
];

export default [
  { ignores: ['**/dist/**', '**/node_modules/**', '.nx/**', 'tmp/**', 'coverage/**', '**/*.cjs', '**/*.mjs', '**/*.js'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaVersion: 2022, sourceType: 'module' } },
    plugins: { '@nx': nx, '@typescript-eslint': tseslint.plugin },
    rules: { '@nx/enforce-module-boundaries': boundaries(false), '@typescript-eslint/no-explicit-any': 'error' },
  },
  {
    files: ['**/*.spec.ts', '**/testing-support/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries(true) },
  },
];
