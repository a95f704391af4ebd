/**
 * The EventStoreDB / KurrentDB adapter.
 *
 * The contract suite (the same one the PostgreSQL adapter passes in CI) runs when
 * EVENTSTORE_CONNECTION_STRING names a server, e.g. against the docker-compose stack:
 *
 *   docker compose up -d kurrentdb
 *   EVENTSTORE_CONNECTION_STRING='kurrentdb://localhost:2113?tls=false' \
 *     npx jest -c jest.config.cjs --selectProjects int -- libs/shared/event-store-adapters/src/kurrentdb
 *
 * Without it the contract shows up as one skipped test in the summary, and only the tests below
 * that need no server run (the real client and its native addon, against a closed port).
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { describeEventStoreContract } from '@datamingle/event-store/testing';
import { DuplicateEventIdError, EventStoreUnavailableError, WriteInDoubtError, type NewEvent } from '@datamingle/event-store';
import { KurrentDbEventStore, METADATA_PROPERTY } from './index';
import { decodeKurrentPosition, encode, unwrapMetadata } from './kurrentdb-event-store';

const connectionString = process.env['EVENTSTORE_CONNECTION_STRING'];

if (connectionString) {
  describeEventStoreContract(
    'kurrentdb',
    async () => {
      const store = new KurrentDbEventStore({ connectionString });
      return { store, cleanup: () => store.close() };
    },
    { eventIdsUniqueAcrossStreams: false },
  );
} else {
  test.skip('EventStore contract: kurrentdb (set EVENTSTORE_CONNECTION_STRING to run it; see docs/operations.md)', () => undefined);
}

describe('KurrentDbEventStore without a server', () => {
  let store: KurrentDbEventStore;
  const event = (type: string): NewEvent => ({ id: randomUUID(), type, data: { type }, metadata: {} });

  beforeAll(async () => {
    // A port nobody listens on: connections are refused at once.
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    store = new KurrentDbEventStore({ connectionString: `kurrentdb://127.0.0.1:${port}?tls=false&maxDiscoverAttempts=1&discoveryInterval=10&defaultDeadline=2000` });
  });

  afterAll(() => store.close());

  it('reports an unreachable server as EventStoreUnavailableError on reads (and as the cause of an append\'s failure)', async () => {
    await expect(store.readAll({ maxCount: 10 })).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(store.readStream(`t-${randomUUID()}`)).rejects.toBeInstanceOf(EventStoreUnavailableError);
  }, 30_000);

  it('an append to an unreachable server is in doubt: over gRPC "never sent" cannot be told from "reply lost"', async () => {
    const error = await store.appendToStream(`t-${randomUUID()}`, [event('A')], { expectedRevision: 'any' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WriteInDoubtError);
    expect((error as WriteInDoubtError).cause).toBeInstanceOf(EventStoreUnavailableError);
  }, 30_000);

  it('checks arguments before talking to the server', async () => {
    const a = event('A');
    await expect(store.appendToStream('s-1', [a, { ...a }], { expectedRevision: 'any' })).rejects.toBeInstanceOf(DuplicateEventIdError);
    await expect(store.appendToStream('s-1', [{ ...a, id: 'not-a-uuid' }], { expectedRevision: 'any' })).rejects.toBeInstanceOf(TypeError);
    await expect(
      store.appendToStreams([
        { streamName: 's-1', events: [a], expectedRevision: 'any' },
        { streamName: 's-1', events: [event('B')], expectedRevision: 'any' },
      ]),
    ).rejects.toBeInstanceOf(TypeError);
    await expect(store.readAll({ maxCount: -1 })).rejects.toBeInstanceOf(RangeError);
  });

  it('waitForEvents resolves by its timeout and at once when aborted, while the server is unreachable', async () => {
    const started = Date.now();
    await store.waitForEvents(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    const controller = new AbortController();
    controller.abort();
    await store.waitForEvents(60_000, controller.signal);
  });
});

describe('KurrentDB positions and metadata', () => {
  it('encodes log positions so that string order is log order, and decodes them back', () => {
    const positions = [
      { commit: 0n, prepare: 0n },
      { commit: 9n, prepare: 9n },
      { commit: 10n, prepare: 3n },
      { commit: 10n, prepare: 10n },
      { commit: 2n ** 63n, prepare: 2n ** 63n - 1n },
    ];
    const encoded = positions.map(encode);
    expect([...encoded].sort()).toEqual(encoded);
    expect(encoded.map(decodeKurrentPosition)).toEqual(positions);
    expect(() => decodeKurrentPosition('12:34')).toThrow(RangeError);
  });

  it('unwraps metadata appended through the multi-stream append, and keeps other metadata as it is', () => {
    const metadata = { tenant_id: 't', aggregate_version: 3, nested: { a: [1] } };
    expect(unwrapMetadata({ [METADATA_PROPERTY]: JSON.stringify(metadata) })).toEqual(metadata);
    expect(unwrapMetadata(metadata)).toEqual(metadata);
    expect(unwrapMetadata({ [METADATA_PROPERTY]: 'not json' })).toEqual({ [METADATA_PROPERTY]: 'not json' });
    expect(unwrapMetadata(undefined)).toEqual({});
  });
});
