import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { DataSource, type MigrationInterface } from 'typeorm';
import { forgetUncommittedAppend } from '@datamingle/event-store';
import { commitPostgresTransaction } from '@datamingle/event-store-adapters';

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
/** Longest wait for a pooled PostgreSQL connection (a new one, or a free one when all are busy). */
export const POOL_CONNECTION_TIMEOUT_MS = 10_000;

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
      // A database that does not answer (network partition, stopped host) fails the request with
      // 503 after this long instead of holding it until the operating system gives up (minutes).
      connectionTimeoutMillis: POOL_CONNECTION_TIMEOUT_MS,
      ...(restricted ? { options: `-c role=${APP_ROLE}` } : {}),
    },
  });
}

/** The minimal SQL surface read models use: parameterised statements returning rows. */
export interface Sql {
  query<R = any>(text: string, params?: readonly unknown[]): Promise<R[]>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The session-level RLS tenant each pooled connection currently carries ('' = none). */
const sessionTenant = new WeakMap<PoolClient, string>();

/** The pg pool under a TypeORM data source (hot paths use it directly: fewer layers, fewer round trips). */
export function poolOf(ds: DataSource): Pool {
  return (ds.driver as unknown as { master: Pool }).master;
}

/** Statement names by text: a name is the text's hash, so one text always gets the same name. */
const statementNames = new Map<string, string>();
/** Texts named at most (beyond it, statements run unnamed: parsed and planned on each call). */
const MAX_NAMED_STATEMENTS = 2_000;

function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_NAMED_STATEMENTS) {
    name = `rm_${createHash('sha1').update(text).digest('base64url')}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * Every parameterized statement of the read models runs as a named (prepared) statement: PostgreSQL
 * parses and plans it once per connection instead of on every call (the hot reads' largest cost
 * after the round trip itself). A table swapped by a projection rebuild is found again: PostgreSQL
 * re-analyses a prepared statement when a relation it uses changes.
 */
function sqlOf(client: PoolClient): Sql {
  return {
    query: async (text, params) => {
      const name = params !== undefined && params.length > 0 ? statementName(text) : undefined;
      const result = name === undefined ? await client.query(text, params as unknown[] | undefined) : await client.query({ name, text, values: params as unknown[] });
      return result.rows;
    },
  };
}

/**
 * Checks a connection out with its session's RLS tenant (`app.tenant_id`) set to `tenantId`.
 * The setting is only re-sent when the connection last served another tenant, so a read costs
 * one round trip. Every statement on the connection is then limited to that tenant's rows.
 */
async function checkout(ds: DataSource, tenantId: string): Promise<PoolClient> {
  if (tenantId !== '' && !UUID.test(tenantId)) throw new Error(`not a tenant id: ${tenantId}`);
  const pool = poolOf(ds);
  if (!guardedPools.has(pool)) {
    guardedPools.add(pool);
    pool.on('connect', guardAgainstLostConnection);
  }
  const client = await pool.connect();
  guardAgainstLostConnection(client);
  if (sessionTenant.get(client) !== tenantId) {
    try {
      await client.query(`SELECT set_config('app.tenant_id', $1, false)`, [tenantId]);
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    sessionTenant.set(client, tenantId);
  }
  return client;
}

const guardedPools = new WeakSet<Pool>();
const guarded = new WeakSet<object>();

/**
 * A checked-out client has no 'error' listener (the pool removes its own until release), so a
 * connection terminated while checked out — even in the same network read as its last result,
 * or right after it connected — would emit an unhandled 'error' and crash the process. A
 * permanent no-op listener, added as each client connects, prevents that; the failure still
 * reaches the pending or next query, and release destroys the broken client.
 */
function guardAgainstLostConnection(client: { on(event: 'error', listener: () => void): unknown }): void {
  if (guarded.has(client)) return;
  guarded.add(client);
  client.on('error', () => {});
}

async function run<T>(ds: DataSource, tenantId: string, transaction: boolean, fn: (sql: Sql, client: PoolClient) => Promise<T>): Promise<T> {
  const client = await checkout(ds, tenantId);
  let broken: Error | undefined;
  try {
    if (!transaction) return await fn(sqlOf(client), client);
    await client.query('BEGIN');
    try {
      const result = await fn(sqlOf(client), client);
      // A commit-bearing write when fn appended events in the transaction: in doubt
      // (WriteInDoubtError) when its result is lost.
      await commitPostgresTransaction(client);
      return result;
    } catch (error) {
      // Events fn appended in the transaction roll back with it: the next transaction on this
      // pooled connection must not be taken for one holding them.
      forgetUncommittedAppend(client);
      await client.query('ROLLBACK').catch((e: Error) => (broken = e));
      throw error;
    }
  } finally {
    client.release(broken);
  }
}

/**
 * Runs `fn` on one connection limited by row-level security to `tenantId`, each statement in
 * its own transaction. Queries should still filter by tenant explicitly: RLS is the second
 * line of defence.
 */
export function asTenant<T>(ds: DataSource, tenantId: string, fn: (sql: Sql) => Promise<T>): Promise<T> {
  return run(ds, tenantId, false, fn);
}

/** Like asTenant, inside one transaction. */
export function withTenant<T>(ds: DataSource, tenantId: string, fn: (sql: Sql) => Promise<T>): Promise<T> {
  return run(ds, tenantId, true, fn);
}

/**
 * Like withTenant, also handing over the pg client itself, for adapters that take part in the
 * same transaction (e.g. the PostgreSQL event store's appendToStreamInTransaction).
 */
export function withTenantClient<T>(ds: DataSource, tenantId: string, fn: (sql: Sql, client: PoolClient) => Promise<T>): Promise<T> {
  return run(ds, tenantId, true, fn);
}

/** One transaction without a tenant (RLS-protected tables show nothing unless setTenant is called). */
export function inTransaction<T>(ds: DataSource, fn: (sql: Sql) => Promise<T>): Promise<T> {
  return run(ds, '', true, fn);
}

/** Sets the RLS tenant for the rest of the current transaction. */
export async function setTenant(sql: Sql, tenantId: string): Promise<void> {
  await sql.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
}
