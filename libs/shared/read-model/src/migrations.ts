import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE, createReadModelDataSource } from './data-source';

/** A migration defined by plain SQL statements (reviewed by hand, never generated at run time). */
export function sqlMigration(name: string, statements: readonly string[]): new () => MigrationInterface {
  const Migration = class implements MigrationInterface {
    name = name;
    async up(qr: QueryRunner): Promise<void> {
      for (const sql of statements) await qr.query(sql);
    }
    async down(): Promise<void> {
      throw new Error(`Migration ${name} is forward-only`);
    }
  };
  Object.defineProperty(Migration, 'name', { value: name });
  return Migration;
}

/** SQL that creates the application role used for row-level security (idempotent). */
export const createAppRoleSql = [
  `DO $$ BEGIN
     IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
       CREATE ROLE ${APP_ROLE} NOLOGIN;
     END IF;
   END $$`,
  `DO $$ BEGIN
     IF NOT pg_has_role(current_user, '${APP_ROLE}', 'MEMBER') THEN
       EXECUTE format('GRANT ${APP_ROLE} TO %I', current_user);
     END IF;
   END $$`,
];

/** Grants and a tenant-isolation policy for a tenant-scoped table. */
export function tenantIsolationSql(table: string): string[] {
  const policy = `${table.replace(/\W/g, '_')}_tenant_isolation`;
  return [
    `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY ${policy} ON ${table}
       USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
       WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ${APP_ROLE}`,
  ];
}

export interface MigrationSet {
  /** e.g. 'orders' → table `orders_migrations`. */
  name: string;
  migrations: Array<new () => MigrationInterface>;
}

/**
 * Applies pending migrations of every set, one set after the other, under a cluster-wide
 * advisory lock so that several migrators (pods, CLI) never run concurrently.
 */
export async function runMigrationSets(url: string, sets: readonly MigrationSet[]): Promise<string[]> {
  const applied: string[] = [];
  const lockDs = createReadModelDataSource({ url, restricted: false, poolSize: 1, applicationName: 'datamingle-migrate' });
  await lockDs.initialize();
  const lock = lockDs.createQueryRunner();
  await lock.connect();
  try {
    await lock.query(`SELECT pg_advisory_lock(727274)`);
    for (const createRole of createAppRoleSql) await lock.query(createRole);
    for (const set of sets) {
      const ds = createReadModelDataSource({
        url,
        restricted: false,
        poolSize: 1,
        migrations: set.migrations,
        migrationsTableName: `${set.name}_migrations`,
        applicationName: 'datamingle-migrate',
      });
      await ds.initialize();
      try {
        const done = await ds.runMigrations({ transaction: 'each' });
        applied.push(...done.map((m) => m.name));
      } finally {
        await ds.destroy();
      }
    }
  } finally {
    await lock.query(`SELECT pg_advisory_unlock(727274)`).catch(() => undefined);
    await lock.release();
    await lockDs.destroy();
  }
  return applied;
}
