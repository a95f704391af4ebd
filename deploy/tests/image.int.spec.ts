/**
 * The Dockerfile cannot be built here (no Docker engine): its rules are checked by reading it,
 * and the final stage's file layout is reproduced in a temporary directory with the same commands
 * (deploy/tools/check-image-layout.mjs), from which migrate, catalog and the gateway must start.
 * Needs `npm run build` first (npm test builds).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase } from '@datamingle/testing';
import { dockerfileProblems, parseDockerfile } from './dockerfile-rules';
import { repoRoot, run } from './support';

jest.setTimeout(180_000);

const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');

describe('Dockerfile', () => {
  test('multi-stage, pinned glibc Node.js base, production dependencies only, numeric non-root USER, role entry point', () => {
    expect(dockerfileProblems(dockerfile)).toEqual([]);
    const final = parseDockerfile(dockerfile).at(-1)!;
    expect(final.from).toBe('node:20.19-bookworm-slim');
    expect(final.instructions.filter((i) => i.cmd === 'USER').at(-1)?.args).toBe('10001:10001');
  });

  test('.dockerignore keeps node_modules, build output and local data out of the context', () => {
    const ignored = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n');
    for (const p of ['**/node_modules', '**/dist', '.git', '.data']) expect(ignored).toContain(p);
    for (const p of ['deploy/docker', 'apps', 'libs']) expect(ignored).not.toContain(p);
  });

  test('the rules fail on a broken Dockerfile', () => {
    const broken = dockerfile
      .replace('ARG NODE_IMAGE=node:20.19-bookworm-slim', 'ARG NODE_IMAGE=node:20-alpine')
      .replace('RUN npm ci --omit=dev --ignore-scripts', 'RUN npm ci --ignore-scripts')
      .replace('USER 10001:10001', 'USER node');
    expect(dockerfileProblems(broken)).toEqual(
      expect.arrayContaining([
        'final image node:20-alpine is musl-based (the KurrentDB client\'s native addon needs glibc)',
        'final image node:20-alpine does not pin the Node.js minor version',
        'final USER node is not a numeric uid (runAsNonRoot cannot verify names)',
        'no stage runs `npm ci --omit=dev`',
      ]),
    );
    const single = 'FROM node:latest\nCOPY . .\nRUN npm ci\nCMD ["node", "main.js"]\n';
    expect(dockerfileProblems(single)).toEqual(
      expect.arrayContaining(['not multi-stage (1 stage)', 'FROM node:latest: tag latest', 'final stage has no USER (runs as root)', 'final stage copies the whole build context']),
    );
  });
});

describe('the final stage, reproduced without Docker', () => {
  let databaseUrl: string;
  beforeAll(async () => {
    databaseUrl = await createTestDatabase('image_layout');
  });

  test('npm ci --omit=dev + dist folders: every role resolves its modules; migrate, catalog (postgres and eventstoredb) and the gateway start and stop', () => {
    const r = run(process.execPath, [join(repoRoot, 'deploy/tools/check-image-layout.mjs'), '--database-url', databaseUrl], { timeout: 170_000 });
    const report = JSON.parse(r.stdout || '{}') as { ok?: boolean; errors?: string[]; checks?: { name: string; ok: boolean }[] };
    expect(report.errors).toEqual([]);
    expect(report.ok).toBe(true);
    expect(r.status).toBe(0);
    const names = (report.checks ?? []).map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'KurrentDB client and its native glibc addon load',
        'migrate applies the migrations',
        'catalog answers /readyz with 200',
        'gateway answers /healthz with 200',
        'gateway stops on SIGTERM',
        'the EventStoreDB adapter (@datamingle/event-store-adapters/kurrentdb) loads',
        'catalog (eventstoredb, no server) answers /readyz with 503',
        'the dashboard is in the image and the gateway serves it (apps/dashboard/dist)',
      ]),
    );
  });
});
