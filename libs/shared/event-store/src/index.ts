export * from './port';
export * from './catch-up';
export {
  PostgresEventStore,
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
export { isConnectionError as isPostgresConnectionError } from './postgres/errors';
export * from './aggregate';
export * from './ids';
export * from './command-reply';
export * from './kurrentdb-loader';
