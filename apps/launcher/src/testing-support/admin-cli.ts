/**
 * The built admin CLI (`apps/launcher/dist/admin.js`) against a fresh, migrated test database with
 * the given tenants: what the CLI e2e specs share. Test support only.
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { createTestDatabase } from '@datamingle/testing';

const exec = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..', '..', '..');
const ADMIN = join(ROOT, 'apps', 'launcher', 'dist', 'admin.js');

export interface AdminCli {
  /** The environment the CLI runs with (its `DATABASE_URL`). */
  env: NodeJS.ProcessEnv;
  /** A connection to the database as its owner. */
  db: Client;
  /** Runs the CLI; a non-zero exit throws with its stderr. */
  run(...args: string[]): Promise<{ stdout: string; stderr: string }>;
  /** Runs the CLI and returns its stdout. */
  admin(...args: string[]): Promise<string>;
  close(): Promise<void>;
}

export async function startAdminCli(database: string, tenants: readonly string[] = ['acme']): Promise<AdminCli> {
  const url = await createTestDatabase(database);
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'error' };
  const run = async (...args: string[]): Promise<{ stdout: string; stderr: string }> => {
    try {
      return await exec(process.execPath, [ADMIN, ...args], { env, cwd: ROOT });
    } catch (error) {
      throw new Error((error as { stderr?: string }).stderr?.trim() || String(error));
    }
  };
  const admin = async (...args: string[]): Promise<string> => (await run(...args)).stdout;
  await admin('migrate');
  const db = new Client({ connectionString: url });
  await db.connect();
  for (const tenant of tenants) await admin('tenant', 'create', tenant);
  return { env, db, run, admin, close: () => db.end() };
}
