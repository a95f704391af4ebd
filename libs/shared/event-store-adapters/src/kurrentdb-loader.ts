import type { KurrentDbEventStoreOptions } from './kurrentdb/kurrentdb-event-store';
import type { EventStore } from '@datamingle/event-store';

export type { KurrentDbEventStoreOptions };

/**
 * The EventStoreDB/KurrentDB adapter, loaded on first use: PostgreSQL deployments never load the
 * gRPC client and its native addon. Throws if the connection string cannot be parsed.
 */
export async function createKurrentDbEventStore(options: KurrentDbEventStoreOptions): Promise<EventStore> {
  // A require at call time (CommonJS): the module and the client load only here.
  const { KurrentDbEventStore } = require('./kurrentdb/kurrentdb-event-store') as typeof import('./kurrentdb/kurrentdb-event-store');
  return new KurrentDbEventStore(options);
}
