// Entry point `@datamingle/event-store/testing`: test support only (never imported by production
// code) — the adapter contract suite and the in-memory event store that passes it.
export * from './event-store-contract';
export { InMemoryEventStore } from './in-memory-event-store';
