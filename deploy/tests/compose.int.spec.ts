/**
 * docker-compose.yml validates with Debian's docker-compose v1.29.2 (`docker-compose config`
 * needs no Docker engine) and wires the stack as deploy/README.md describes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { APPS, composeProblems } from './compose-rules';
import { repoRoot, requireTool, run } from './support';

jest.setTimeout(60_000);

const composeFile = join(repoRoot, 'docker-compose.yml');
/** Variables the file interpolates are unset, so that the defaults are what is checked. */
const env = (): NodeJS.ProcessEnv => {
  const e = { ...process.env };
  delete e['LOG_LEVEL'];
  delete e['DATAMINGLE_IMAGE'];
  return e;
};
const config = (file: string) => run('docker-compose', ['-f', file, 'config'], { cwd: repoRoot, env: env() });

let dir: string;
beforeAll(() => {
  requireTool('docker-compose', ['version'], 'Install it with `apt-get install -y --no-install-recommends docker-compose` (.ci/run does).');
  dir = mkdtempSync(join(tmpdir(), 'dm-compose-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('docker-compose.yml', () => {
  let result: ReturnType<typeof config>;
  let normalized: Record<string, unknown>;
  beforeAll(() => {
    result = config(composeFile);
    normalized = (result.status === 0 ? parse(result.stdout) : {}) as Record<string, unknown>;
  });

  test('docker-compose config accepts it (exit 0)', () => {
    expect(result.stderr).not.toMatch(/ERROR/);
    expect(result.status).toBe(0);
  });

  test('apps run on KurrentDB + Kafka + PostgreSQL, after migrate, with health checks; only the gateway (and KurrentDB on loopback) is published', () => {
    expect(composeProblems(normalized)).toEqual([]);
  });

  test('the app services are the four processes, each with its role as command', () => {
    const services = normalized['services'] as Record<string, { command?: string[] }>;
    for (const app of APPS) expect(services[app]?.command).toEqual([app]);
    expect(services['migrate']?.command).toEqual(['migrate']);
  });
});

describe('the checks can fail', () => {
  const source = readFileSync(composeFile, 'utf8');
  const broken = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return config(file);
  };

  test('docker-compose rejects depends_on.<svc>.required (compose v2 only)', () => {
    const text = source.replace(/(  migrate:\n(?:.*\n)*?    depends_on:\n      postgres:\n        condition: service_healthy\n)/, '$1        required: true\n');
    expect(text).not.toBe(source);
    const r = broken('required.yml', text);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/required/);
  });

  test('docker-compose rejects an unknown key and a top-level name', () => {
    const unknown = broken('unknown.yml', source.replace('  gateway:\n    <<: *app\n', '  gateway:\n    <<: *app\n    bogus_key: 1\n'));
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toMatch(/bogus_key/);
    const named = broken('named.yml', `name: datamingle\n${source}`);
    expect(named.status).not.toBe(0);
  });

  test('the semantic rules report a broken stack', () => {
    const r = config(composeFile);
    const cfg = parse(r.stdout) as { services: Record<string, Record<string, unknown>> };
    const s = cfg.services;
    delete s['orders']!['healthcheck'];
    (s['catalog']!['environment'] as Record<string, string>)['EVENT_STORE'] = 'postgres';
    (s['inventory']!['depends_on'] as Record<string, unknown>)['migrate'] = { condition: 'service_started' };
    s['postgres']!['ports'] = ['5432:5432'];
    s['kurrentdb']!['image'] = 'docker.kurrent.io/kurrent-latest/kurrentdb:24.10';
    expect(composeProblems(cfg)).toEqual(
      expect.arrayContaining([
        'kurrentdb: image docker.kurrent.io/kurrent-latest/kurrentdb:24.10 is older than 25.1 (multiStreamAppend)',
        'orders: healthcheck does not probe port 4101',
        'catalog: EVENT_STORE is not eventstoredb',
        'inventory: does not wait for migrate to complete successfully',
        'postgres: publishes ["0.0.0.0:5432->5432"], expected []',
      ]),
    );
  });
});
