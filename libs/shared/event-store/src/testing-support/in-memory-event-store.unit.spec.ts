import { describeEventStoreContract, InMemoryEventStore } from './index';

// The same contract suite as the PostgreSQL and KurrentDB adapters, with the suite's default
// options (event ids unique across streams, as in PostgreSQL). Appends are visible at once, so
// the visibility timeout is short.
describeEventStoreContract(
  'in-memory',
  async () => {
    const store = new InMemoryEventStore();
    return { store, cleanup: () => store.close() };
  },
  { visibilityTimeoutMs: 2_000 },
);

describe('InMemoryEventStore (specifics)', () => {
  it('offers no in-transaction appender', () => {
    expect(new InMemoryEventStore().inTransactionAppender()).toBeNull();
  });

  it('hands out copies: mutating what was appended or read does not change the stored events', async () => {
    const store = new InMemoryEventStore();
    const data = { n: 1 };
    const metadata = { m: 'x' };
    await store.appendToStream('s-1', [{ id: '00000000-0000-4000-8000-000000000001', type: 'A', data, metadata }], { expectedRevision: 'no_stream' });
    data.n = 2;
    metadata.m = 'y';
    const [read] = await store.readStream('s-1');
    (read!.data as { n: number }).n = 3;
    expect((await store.readStream('s-1')).map((e) => [e.data, e.metadata])).toEqual([[{ n: 1 }, { m: 'x' }]]);
  });

  it('rejects use after close', async () => {
    const store = new InMemoryEventStore();
    await store.close();
    await expect(store.readAll({ maxCount: 1 })).rejects.toThrow('closed');
  });
});
