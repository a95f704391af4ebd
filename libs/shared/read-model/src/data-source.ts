import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The database role every service connection acts as, so row-level security applies to it. */
export const APP_ROLE = 'datamingle_app';

export interface ReadModelDataSourceOptions {
  url: string;
  /** Max pool connections. */
  poolSize?: number;
  /** Applied with `migrationsTableName` of this service. */
  migrations?: Array<new () => MigrationInterface>;
  migrationsTableName?: string;
  /**
   * true (default): every connection runs as APP_ROLE (SET ROLE at connection start), so
   * row-level security policies apply even when the login user owns the tables.
   * false: connect as the login user (migrations).
   */
  restricted?: boolean;
  applicationName?: string;
}

/** A TypeORM data source on PostgreSQL. Migrations are explicit; never `synchronize`. */
export function createReadModelDataSource(options: ReadModelDataSourceOptions): DataSource {
  const restricted = options.restricted ?? true;
  return new DataSource({
    type: 'postgres',
    url: options.url,
    synchronize: false,
    migrationsRun: false,
    migrations: options.migrations ?? [],
    migrationsTableName: options.migrationsTableName ?? 'migrations',
    applicationName: options.applicationName ?? 'datamingle',
    logging: false,
    extra: {
      max: options.poolSize ?? 10,
      ...(restricted ? { options: `-c role=${APP_ROLE}` } : {}),
    },
  });
}

/**
 * Runs `fn` in one transaction whose row-level-security tenant is `tenantId`
 * (`app.tenant_id`, transaction-local). Queries should still filter by tenant explicitly:
 * RLS is the second line of defence.
 */
export async function withTenant<T>(ds: DataSource, tenantId: string, fn: (qr: QueryRunner) => Promise<T>): Promise<T> {
  const qr = ds.createQueryRunner();
  await qr.connect();
  try {
    await qr.startTransaction();
    await qr.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
    const result = await fn(qr);
    await qr.commitTransaction();
    return result;
  } catch (error) {
    if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    await qr.release();
  }
}

/** Runs `fn` in one transaction (no tenant set: RLS-protected tables show nothing). */
export async function inTransaction<T>(ds: DataSource, fn: (qr: QueryRunner) => Promise<T>): Promise<T> {
  const qr = ds.createQueryRunner();
  await qr.connect();
  try {
    await qr.startTransaction();
    const result = await fn(qr);
    await qr.commitTransaction();
    return result;
  } catch (error) {
    if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    await qr.release();
  }
}

/** Sets the RLS tenant for the rest of the current transaction. */
export async function setTenant(qr: QueryRunner, tenantId: string): Promise<void> {
  await qr.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
}
