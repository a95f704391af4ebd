// Entry point `@datamingle/event-store/adapter-support`: what adapters of the port (the
// @datamingle/event-store-adapters library) need beyond the port itself — the commit-bearing write
// wrappers of write-outcome.ts. Not for application code.
export { commitBearing, commitNotedTransaction, noteUncommittedAppend } from './write-outcome';
// The argument checks every adapter makes before it talks to its store (also used by the
// in-memory test store, so that all of them refuse the same bad appends the same way).
export { prepareAppend, prepareAppends, revisionMatches, type PreparedEvents } from './append-validation';
