// Entry point `@datamingle/event-store-adapters/kurrentdb`, for direct use of the adapter. The platform
// goes through createKurrentDbEventStore (../kurrentdb-loader.ts), which loads this module only
// when EVENT_STORE=eventstoredb, so PostgreSQL deployments never load the gRPC client and its
// native addon.
export { KurrentDbEventStore, METADATA_PROPERTY, type KurrentDbEventStoreOptions } from './kurrentdb-event-store';
