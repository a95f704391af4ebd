// The adapters of the event-store port (@datamingle/event-store): PostgreSQL, and the
// EventStoreDB/KurrentDB adapter behind a loader (its client loads only on first use; the adapter
// itself is the `@datamingle/event-store-adapters/kurrentdb` entry point). Only infrastructure and
// platform code wires them in; application code sees the port.
export {
  PostgresEventStore,
  commitPostgresTransaction,
  TransactionRolledBackError,
  DEFAULT_EVENT_STORE_SCHEMA,
  type PostgresEventStoreOptions,
} from './postgres/postgres-event-store';
export { postgresEventStoreMigration, postgresEventStoreChannel } from './postgres/migration';
export {
  encodePosition as encodePostgresPosition,
  decodePosition as decodePostgresPosition,
  comparePositions as comparePostgresPositions,
  START_POSITION as POSTGRES_START_POSITION,
  type PostgresPosition,
} from './postgres/position';
export { isConnectionError as isPostgresConnectionError, isDefinitiveFailure as isDefinitivePostgresFailure } from './postgres/errors';
export * from './kurrentdb-loader';
