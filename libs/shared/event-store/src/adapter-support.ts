// Entry point `@datamingle/event-store/adapter-support`: what adapters of the port (the
// @datamingle/event-store-adapters library) need beyond the port itself — the commit-bearing write
// wrappers of write-outcome.ts. Not for application code.
export { commitBearing, commitNotedTransaction, noteUncommittedAppend } from './write-outcome';
