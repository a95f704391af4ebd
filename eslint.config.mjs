// Lint: architecture rules checked mechanically. Every project carries two tags (project.json):
// scope:<context>|shared and type:<layer>; both dimensions are constrained below.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const root = dirname(fileURLToPath(import.meta.url));

/** Folders of the workspace projects (root package.json "workspaces", `dir/*` globs) that have a project.json. */
function workspaceProjects() {
  let dirs = [];
  for (const glob of JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces) {
    let level = [''];
    for (const part of glob.split('/')) {
      level = level.flatMap((base) =>
        part !== '*'
          ? [join(base, part)]
          : existsSync(join(root, base))
            ? readdirSync(join(root, base), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(base, e.name))
            : [],
      );
    }
    dirs.push(...level);
  }
  return dirs.filter((d) => existsSync(join(root, d, 'project.json'))).sort();
}

const tagsOf = (dir) => JSON.parse(readFileSync(join(root, dir, 'project.json'), 'utf8')).tags ?? [];

/** Folders of the workspace projects carrying one of `tags` in project.json. */
function projectsTagged(tags) {
  return workspaceProjects().filter((d) => tagsOf(d).some((t) => tags.includes(t)));
}

/**
 * Database, broker and event-store drivers (and the TypeORM integration of Nest): infrastructure
 * only. Banned below in the projects tagged type:contracts, type:domain and type:application by a
 * plain no-restricted-imports keyed by those projects' folders (read from their project.json
 * tags), so it holds without the Nx project graph.
 */
const DRIVER_IMPORTS = /^(pg|pg-[^/]+|typeorm|@nestjs\/typeorm|kafkajs|@kurrent\/[^/]+|@eventstore\/[^/]+)(\/.*)?$/;
const DRIVER_FREE_TAGS = ['type:contracts', 'type:domain', 'type:application'];

const layerConstraints = (testing) => [
  // Drivers (pg, typeorm, kafkajs, @kurrent/*...) are banned from these layers by DRIVER_IMPORTS below.
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'], bannedExternalImports: ['@nestjs/*'] },
  {
    sourceTag: 'type:domain',
    // Spec files (and testing-support folders) may use the test kit; production domain code may not.
    onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', ...(testing ? ['type:testing'] : [])],
    // Domain code is plain functions: no framework, no I/O.
    bannedExternalImports: ['@nestjs/*', 'fastify', 'rxjs', 'node:fs', 'node:net', 'node:http'],
  },
  // Application code talks to the event store through its port (@datamingle/event-store, itself
  // type:application); the adapters (@datamingle/event-store-adapters) are type:infrastructure.
  {
    sourceTag: 'type:application',
    onlyDependOnLibsWithTags: ['type:application', 'type:domain', 'type:contracts', ...(testing ? ['type:testing'] : [])],
  },
  {
    sourceTag: 'type:infrastructure',
    onlyDependOnLibsWithTags: ['type:infrastructure', 'type:application', 'type:domain', 'type:contracts', ...(testing ? ['type:testing'] : [])],
  },
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: ['type:infrastructure', 'type:application', 'type:domain', 'type:contracts', ...(testing ? ['type:testing'] : [])],
  },
  // Test helpers may use pure domain code (e.g. @datamingle/gateway-testing's response validator
  // reads the OpenAPI document of @datamingle/gateway-openapi), never infrastructure or apps.
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:testing', 'type:domain', 'type:contracts'] },
  // Browser code (apps/dashboard, a single-page app): it talks to the admin API over HTTP only, so
  // it imports no workspace project at all, and nothing of the server side.
  // (Node's own modules are banned from it below, by folder: the graph does not see them.)
  { sourceTag: 'type:ui', onlyDependOnLibsWithTags: [], bannedExternalImports: ['@nestjs/*', 'fastify', 'rxjs', 'pg', 'typeorm', 'kafkajs', '@kurrent/*', 'pino'] },
];

/**
 * Bounded contexts: every `scope:<name>` tag of a project other than `shared` and `platform` — the
 * services of the resource registry (libs/shared/contracts/src/registry.ts; a test there checks
 * the two agree) and the gateway. A context depends only on itself and shared code.
 */
const CONTEXTS = [...new Set(workspaceProjects().flatMap(tagsOf).filter((t) => t.startsWith('scope:')).map((t) => t.slice('scope:'.length)))]
  .filter((scope) => scope !== 'shared' && scope !== 'platform')
  .sort();

const scopeConstraints = [
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  ...CONTEXTS.map((context) => ({ sourceTag: `scope:${context}`, onlyDependOnLibsWithTags: [`scope:${context}`, 'scope:shared'] })),
  // The launcher composes every context (migrations, admin CLI).
  { sourceTag: 'scope:platform', onlyDependOnLibsWithTags: [...CONTEXTS.map((c) => `scope:${c}`), 'scope:shared'] },
];

const boundaries = (testing) => [
  'error',
  { enforceBuildableLibDependency: false, allow: [], depConstraints: [...layerConstraints(testing), ...scopeConstraints] },
];

export default [
  { ignores: ['**/dist/**', '**/node_modules/**', '.nx/**', 'tmp/**', 'coverage/**', '**/*.cjs', '**/*.mjs', '**/*.js'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaVersion: 2022, sourceType: 'module' } },
    plugins: { '@nx': nx, '@typescript-eslint': tseslint.plugin },
    rules: { '@nx/enforce-module-boundaries': boundaries(false), '@typescript-eslint/no-explicit-any': 'error' },
  },
  {
    files: ['**/*.spec.ts', '**/testing-support/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries(true) },
  },
  {
    // Browser code (type:ui, e.g. apps/dashboard) runs in the browser: no Node.js module (its Vite config is not linted).
    files: projectsTagged(['type:ui']).flatMap((dir) => [`${dir}/**/*.ts`, `${dir}/**/*.tsx`]),
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '^(node:|fs$|path$|os$|child_process$|http$|https$|net$|crypto$)', message: 'Browser code: no Node.js modules.' }] }] },
  },
  {
    // Proven by libs/shared/event-store/src/driver-imports.unit.spec.ts.
    files: projectsTagged(DRIVER_FREE_TAGS).map((dir) => `${dir}/**/*.ts`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: DRIVER_IMPORTS.source,
              message: 'Drivers (pg, typeorm, kafkajs, @kurrent/*...) belong to infrastructure libs: contracts, domain and application code uses ports (e.g. EventStore from @datamingle/event-store).',
            },
          ],
        },
      ],
    },
  },
];
