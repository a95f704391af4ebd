// Entry point `@datamingle/event-store/kurrentdb`: loaded only when EVENT_STORE=eventstoredb, so
// PostgreSQL deployments never load the gRPC client and its native addon.
export { KurrentDbEventStore, METADATA_PROPERTY, type KurrentDbEventStoreOptions } from './kurrentdb-event-store';
