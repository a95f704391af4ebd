import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { EventStore } from '@datamingle/event-store';
import { createKurrentDbEventStore, PostgresEventStore } from '@datamingle/event-store-adapters';
import { createReadModelDataSource, POOL_CONNECTION_TIMEOUT_MS } from '@datamingle/read-model';
import { ConfigError, type PlatformConfig } from './config';

export const EMBEDDED_DATABASE = 'datamingle';

/** DATABASE_URL, or the embedded PostgreSQL server that `npm start` runs. */
export function databaseUrlOf(config: PlatformConfig): string {
  return config.databaseUrl ?? `postgres://postgres:postgres@127.0.0.1:${config.embeddedPostgresPort}/${EMBEDDED_DATABASE}`;
}

export interface OpenEventStore {
  store: EventStore;
  close(): Promise<void>;
}

/**
 * The event store selected by EVENT_STORE: PostgreSQL (DATABASE_URL or the embedded server) or
 * EventStoreDB/KurrentDB (EVENTSTORE_CONNECTION_STRING; its client is loaded only then).
 */
export async function openEventStore(
  config: PlatformConfig,
  applicationName: string,
  poolSize = 10,
  onBackgroundError?: (error: unknown) => void,
): Promise<OpenEventStore> {
  if (config.eventStore === 'eventstoredb') {
    const connectionString = config.eventStoreConnectionString;
    if (!connectionString) throw new ConfigError('EVENTSTORE_CONNECTION_STRING', 'required when EVENT_STORE=eventstoredb');
    let store: EventStore;
    try {
      store = await createKurrentDbEventStore({ connectionString, ...(onBackgroundError ? { onBackgroundError } : {}) });
    } catch (error) {
      throw new ConfigError('EVENTSTORE_CONNECTION_STRING', `not a valid connection string: ${(error as Error).message}`);
    }
    return { store, close: () => store.close() };
  }
  const pool = new Pool({
    connectionString: databaseUrlOf(config),
    max: poolSize,
    application_name: applicationName,
    connectionTimeoutMillis: POOL_CONNECTION_TIMEOUT_MS,
  });
  pool.on('error', () => undefined); // idle-client errors surface on the next query instead of crashing the process
  const store = new PostgresEventStore({ pool, ...(onBackgroundError ? { onBackgroundError } : {}) });
  // The store ends its pool on close().
  return { store, close: () => store.close() };
}

export async function openReadModel(config: PlatformConfig, applicationName: string, poolSize = 10): Promise<DataSource> {
  const ds = createReadModelDataSource({ url: databaseUrlOf(config), poolSize, applicationName });
  await ds.initialize();
  return ds;
}
