/**
 * eslint.config.mjs bans driver imports (pg, pg-*, typeorm, @nestjs/typeorm, kafkajs, @kurrent/*,
 * @eventstore/*) from the projects tagged type:contracts, type:domain and type:application — this
 * port among them — while infrastructure (the adapters included) may use them. Proven here on
 * fixtures linted as if they were files of those projects. The rule is a plain
 * no-restricted-imports keyed by the projects' folders (read from their project.json tags), so the
 * Nx module-boundary rule, which needs the project graph, is switched off for these runs. ESLint
 * runs in a child process: it loads its flat config with import(), which Jest's module sandbox does
 * not provide.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const repoRoot = join(__dirname, '..', '..', '..', '..');

interface Fixture {
  file: string;
  source: string;
}

/** The no-restricted-imports messages of each fixture (other rules' messages are left out). */
function lintFixtures(fixtures: readonly Fixture[]): string[][] {
  const script = `
    const { ESLint } = require('eslint');
    (async () => {
      const fixtures = JSON.parse(process.argv[1]);
      const eslint = new ESLint({ cwd: process.cwd(), overrideConfig: { rules: { '@nx/enforce-module-boundaries': 'off' } } });
      const out = [];
      for (const f of fixtures) {
        const [result] = await eslint.lintText(f.source, { filePath: f.file });
        out.push(result.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.fatal).map((m) => (m.fatal ? 'FATAL ' : '') + m.message));
      }
      process.stdout.write(JSON.stringify(out));
    })().catch((error) => { console.error(error); process.exit(1); });
  `;
  const r = spawnSync(process.execPath, ['-e', script, JSON.stringify(fixtures.map((f) => ({ ...f, file: join(repoRoot, f.file) })))], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`eslint failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as string[][];
}

const DRIVER_IMPORTS = [
  `import { Pool } from 'pg';`,
  `import type { ClientBase } from 'pg';`,
  `import { DatabaseError } from 'pg-protocol';`,
  `import type { DataSource } from 'typeorm';`,
  `import { InjectDataSource } from '@nestjs/typeorm';`,
  `import { Kafka } from 'kafkajs';`,
  `import { KurrentDBClient } from '@kurrent/kurrentdb-client';`,
];

const DRIVER_FREE_FILES = [
  'libs/orders/application/src/__lint_fixture__.ts', // type:application
  'libs/inventory/domain/src/lib/__lint_fixture__.ts', // type:domain
  'libs/shared/contracts/src/__lint_fixture__.ts', // type:contracts
  'libs/shared/event-store/src/__lint_fixture__.ts', // the port (type:application)
];

const INFRASTRUCTURE_FILES = [
  'libs/orders/infrastructure/src/__lint_fixture__.ts',
  'libs/shared/event-store-adapters/src/postgres/__lint_fixture__.ts',
  'libs/shared/platform/src/__lint_fixture__.ts',
];

describe('driver imports (eslint.config.mjs)', () => {
  let results: string[][];
  const fixtures: Fixture[] = [
    ...DRIVER_FREE_FILES.flatMap((file) => DRIVER_IMPORTS.map((source) => ({ file, source }))),
    ...INFRASTRUCTURE_FILES.flatMap((file) => DRIVER_IMPORTS.map((source) => ({ file, source }))),
    // What application code legitimately imports stays allowed.
    { file: DRIVER_FREE_FILES[0]!, source: `import { CommandHandler } from '@nestjs/cqrs';\nimport { EventStore } from '@datamingle/event-store';\nimport { randomUUID } from 'node:crypto';` },
    // Names that only start like a driver are not drivers.
    { file: DRIVER_FREE_FILES[0]!, source: `import { x } from 'pgx';\nimport { y } from 'typeorm-helper';` },
  ];

  beforeAll(() => {
    results = lintFixtures(fixtures);
  }, 90_000);

  it('fails every driver import in contracts, domain and application libs (the port included)', () => {
    DRIVER_FREE_FILES.forEach((file, f) => {
      DRIVER_IMPORTS.forEach((source, i) => {
        const messages = results[f * DRIVER_IMPORTS.length + i]!;
        expect({ file, source, messages }).toEqual({ file, source, messages: [expect.stringContaining('Drivers (pg, typeorm, kafkajs, @kurrent/*...) belong to infrastructure libs')] });
      });
    });
  });

  it('lets infrastructure libs (the event-store adapters included) import drivers', () => {
    const offset = DRIVER_FREE_FILES.length * DRIVER_IMPORTS.length;
    INFRASTRUCTURE_FILES.forEach((file, f) => {
      DRIVER_IMPORTS.forEach((source, i) => {
        expect({ file, source, messages: results[offset + f * DRIVER_IMPORTS.length + i] }).toEqual({ file, source, messages: [] });
      });
    });
  });

  it('leaves the application layer its framework, the port and node built-ins, and non-driver look-alikes', () => {
    expect(results.slice(-2)).toEqual([[], []]);
  });
});
