import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { EventStore, PostgresEventStore } from '@datamingle/event-store';
import { createReadModelDataSource } from '@datamingle/read-model';
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

/** The event store selected by EVENT_STORE. */
export async function openEventStore(config: PlatformConfig, applicationName: string, poolSize = 10): Promise<OpenEventStore> {
  if (config.eventStore === 'eventstoredb') {
    throw new ConfigError('EVENT_STORE', 'the EventStoreDB adapter is not part of this build yet; use EVENT_STORE=postgres');
  }
  const pool = new Pool({ connectionString: databaseUrlOf(config), max: poolSize, application_name: applicationName });
  pool.on('error', () => undefined); // idle-client errors surface on the next query instead of crashing the process
  const store = new PostgresEventStore({ pool });
  // The store ends its pool on close().
  return { store, close: () => store.close() };
}

export async function openReadModel(config: PlatformConfig, applicationName: string, poolSize = 10): Promise<DataSource> {
  const ds = createReadModelDataSource({ url: databaseUrlOf(config), poolSize, applicationName });
  await ds.initialize();
  return ds;
}
