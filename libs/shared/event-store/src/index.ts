export * from './port';
export * from './catch-up';
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
export {
  WriteInDoubtError,
  WriteAppliedError,
  writeOutcomeOf,
  appliedThenFailed,
  afterAppliedWrite,
  forgetUncommittedAppend,
  type WriteOutcome,
} from './write-outcome';
export * from './aggregate';
export * from './ids';
export * from './command-reply';
export * from './kurrentdb-loader';
