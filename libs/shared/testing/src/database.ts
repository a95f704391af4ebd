import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * Creates a fresh, empty database on the test PostgreSQL server started by the Jest global
 * setup (tools/jest/pg-global-setup.mjs) and returns its connection string.
 */
export async function createTestDatabase(prefix = 'test'): Promise<string> {
  const adminUrl = process.env['TEST_DATABASE_ADMIN_URL'];
  if (!adminUrl) throw new Error('TEST_DATABASE_ADMIN_URL is not set: run this test through the int or e2e Jest project');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`.toLowerCase();
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
