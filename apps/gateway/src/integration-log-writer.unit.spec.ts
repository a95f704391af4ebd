import type { IntegrationLogEntry } from '@datamingle/gateway-domain';
import { entryBytes, IntegrationLogWriter, LARGE_ENTRY_BYTES, type IntegrationLogDropReason } from './integration-log-writer';

const entry = (n: number, payload = '{"a":1}'): IntegrationLogEntry => ({
  tenantId: '11111111-1111-4111-8111-111111111111',
  createdAt: new Date(1_700_000_000_000 + n),
  requestId: `req-${n}`,
  partner: null,
  apiKey: { id: '22222222-2222-4222-8222-222222222222', name: 'key' },
  resource: 'order',
  action: 'create',
  identifier: null,
  method: 'POST',
  path: '/api/integrations/v1/orders/',
  queryString: '',
  rawPayload: { json: payload },
  mappedPayload: { json: payload },
  responseBody: null,
  httpStatus: 201,
  status: 'success',
  errorCode: null,
  errorMessage: null,
  internalId: null,
  durationMs: 3,
  shortenedFields: [],
});

class FakeStore {
  batches: string[][] = [];
  failNext = 0;
  failWith: unknown = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  /** Entries refused for their data whenever they are in a batch. */
  poison = new Set<string>();
  async insertIntegrationLogs(entries: readonly IntegrationLogEntry[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw this.failWith;
    }
    if (entries.some((e) => this.poison.has(e.requestId))) throw Object.assign(new Error('invalid input syntax'), { code: '22P02' });
    this.batches.push(entries.map((e) => e.requestId));
  }
  get written(): string[] {
    return this.batches.flat();
  }
}

const silent = { warn: () => {} };

describe('IntegrationLogWriter', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => (clock = 1_000));

  it('never throws and never waits in record(); writes queued entries in batches of at most batchMaxEntries, in order', async () => {
    const store = new FakeStore();
    const w = new IntegrationLogWriter(store, silent, { now, batchMaxEntries: 4 });
    for (let i = 0; i < 10; i++) expect(w.record(entry(i))).toBeUndefined();
    await w.flush();
    expect(store.batches.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(store.written).toEqual([...Array(10).keys()].map((i) => `req-${i}`));
    expect(w.stats()).toMatchObject({ recorded: 10, written: 10, queued: 0, bufferedBytes: 0 });
  });

  /** Holds the store's write that finds `held` batches written until `open()` is called. */
  const holdWrite = (store: FakeStore, held: number): { open: () => void } => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const insert = FakeStore.prototype.insertIntegrationLogs.bind(store);
    store.insertIntegrationLogs = async (entries) => {
      if (store.batches.length === held) await gate;
      return insert(entries);
    };
    return { open };
  };

  it('leaves entries recorded during a write for the next tick, unless a full batch waits (no trail of small batches)', async () => {
    const store = new FakeStore();
    const firstWrite = holdWrite(store, 0);
    const w = new IntegrationLogWriter(store, silent, { now, batchMaxEntries: 4, flushIntervalMs: 60_000 });
    for (let i = 0; i < 2; i++) w.record(entry(i));
    const first = w.flush();
    await new Promise((r) => setImmediate(r));
    w.record(entry(2)); // arrives during the write: no full batch (3 queued, with the 2 in flight)
    firstWrite.open();
    await first;
    expect(store.batches).toEqual([['req-0', 'req-1']]);
    expect(w.stats().queued).toBe(1);
    await w.flush();
    expect(store.batches).toEqual([['req-0', 'req-1'], ['req-2']]);
    // A full batch waiting (the queue counts the entries in flight) is written at once.
    const thirdWrite = holdWrite(store, 2);
    for (let i = 3; i < 5; i++) w.record(entry(i));
    const second = w.flush();
    await new Promise((r) => setImmediate(r));
    for (let i = 5; i < 8; i++) w.record(entry(i));
    thirdWrite.open();
    await second;
    expect(store.batches.slice(2)).toEqual([['req-3', 'req-4'], ['req-5', 'req-6', 'req-7']]);

    // The same during a round the timer started: the late entries wait.
    const slow = new FakeStore();
    const { open } = holdWrite(slow, 0);
    const timed = new IntegrationLogWriter(slow, silent, { now, batchMaxEntries: 4, flushIntervalMs: 20 });
    timed.start();
    for (let i = 0; i < 2; i++) timed.record(entry(i));
    while (slow.batches.length === 0 && !(timed as unknown as { running: unknown }).running) await new Promise((r) => setTimeout(r, 5));
    timed.record(entry(2));
    open();
    while (slow.batches.length === 0) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(slow.batches).toEqual([['req-0', 'req-1']]);
    expect(timed.stats().queued).toBe(1);
    // ...and go with the next tick.
    while (slow.batches.length < 2) await new Promise((r) => setTimeout(r, 5));
    expect(slow.batches[1]).toEqual(['req-2']);
    await timed.stop();
  });

  it('writes an entry with large payloads in a batch of its own (the store sends its payloads as plain parameters)', async () => {
    const store = new FakeStore();
    const w = new IntegrationLogWriter(store, silent, { now, batchMaxEntries: 10 });
    const big = '{"rows":"' + 'x'.repeat(LARGE_ENTRY_BYTES) + '"}';
    w.record(entry(0));
    w.record(entry(1, big));
    w.record(entry(2));
    w.record(entry(3));
    w.record(entry(4, big));
    await w.flush();
    expect(store.batches).toEqual([['req-0'], ['req-1'], ['req-2', 'req-3'], ['req-4']]);
  });

  it('starts a write as soon as a batch is full (without waiting for the timer)', async () => {
    const store = new FakeStore();
    const w = new IntegrationLogWriter(store, silent, { now, batchMaxEntries: 3, flushIntervalMs: 60_000 });
    w.start();
    for (let i = 0; i < 3; i++) w.record(entry(i));
    await new Promise((r) => setImmediate(r));
    expect(store.written).toEqual(['req-0', 'req-1', 'req-2']);
    await w.stop();
  });

  it('keeps a batch whose write failed and retries it after a backoff, in order, counting the failures', async () => {
    const store = new FakeStore();
    const failures: number[] = [];
    const w = new IntegrationLogWriter(store, silent, { now, retryBaseMs: 100, observer: { written: () => {}, failed: () => failures.push(1), dropped: () => {} } });
    store.failNext = 2;
    w.record(entry(1));
    w.record(entry(2));
    await w.flush();
    expect(store.written).toEqual([]);
    expect(w.stats()).toMatchObject({ failures: 1, queued: 2 });
    clock += 50;
    expect(w.lagMs()).toBe(50);
    // The timer's kick before the backoff has passed does nothing...
    (w as unknown as { kick(): void }).kick();
    await new Promise((r) => setImmediate(r));
    expect(store.written).toEqual([]);
    // ...flush() tries at once.
    await w.flush();
    expect(w.stats().failures).toBe(2);
    await w.flush();
    expect(store.written).toEqual(['req-1', 'req-2']);
    expect(failures).toHaveLength(2);
    expect(w.lagMs()).toBe(0);
  });

  it('drops new entries past the byte budget (the oldest are kept) and counts them', async () => {
    const store = new FakeStore();
    const dropped: Array<[IntegrationLogDropReason, number]> = [];
    const big = `"${'x'.repeat(10_000)}"`;
    const one = entryBytes(entry(0, big));
    const w = new IntegrationLogWriter(store, silent, { now, maxBufferedBytes: one * 3 + 10, observer: { written: () => {}, failed: () => {}, dropped: (r, n) => dropped.push([r, n]) } });
    for (let i = 0; i < 5; i++) w.record(entry(i, big));
    expect(w.stats()).toMatchObject({ queued: 3, dropped: { budget: 2, rejected: 0, shutdown: 0 } });
    expect(dropped).toEqual([
      ['budget', 1],
      ['budget', 1],
    ]);
    await w.flush();
    expect(store.written).toEqual(['req-0', 'req-1', 'req-2']);
    // Written entries free their bytes.
    w.record(entry(9, big));
    expect(w.stats().queued).toBe(1);
  });

  it('limits a batch by bytes (one entry at least)', async () => {
    const store = new FakeStore();
    const big = `"${'x'.repeat(10_000)}"`;
    const w = new IntegrationLogWriter(store, silent, { now, batchMaxBytes: entryBytes(entry(0, big)) * 2 });
    for (let i = 0; i < 5; i++) w.record(entry(i, big));
    await w.flush();
    expect(store.batches.map((b) => b.length)).toEqual([2, 2, 1]);
  });

  it('writes a batch refused for its data entry by entry, dropping only the refused entry', async () => {
    const store = new FakeStore();
    const w = new IntegrationLogWriter(store, silent, { now, maxDataAttempts: 2 });
    store.poison.add('req-2');
    for (let i = 0; i < 4; i++) w.record(entry(i));
    for (let i = 0; i < 10 && w.stats().queued > 0; i++) await w.flush();
    expect(store.written).toEqual(['req-0', 'req-1', 'req-3']);
    expect(w.stats().dropped).toEqual({ budget: 0, rejected: 1, shutdown: 0 });
  });

  it('retries an unavailable database for as long as it takes (never drops for it)', async () => {
    const store = new FakeStore();
    const w = new IntegrationLogWriter(store, silent, { now, maxDataAttempts: 2 });
    store.failNext = 6;
    w.record(entry(1));
    for (let i = 0; i < 7; i++) await w.flush();
    expect(store.written).toEqual(['req-1']);
    expect(w.stats()).toMatchObject({ failures: 6, dropped: { rejected: 0 } });
  });

  it('writes what it holds on stop(), and drops (counted) what it cannot write before the deadline or gets afterwards', async () => {
    const store = new FakeStore();
    const w = new IntegrationLogWriter(store, silent, { now, flushIntervalMs: 60_000 });
    w.start();
    w.record(entry(1));
    w.record(entry(2));
    await w.stop();
    expect(store.written).toEqual(['req-1', 'req-2']);
    w.record(entry(3));
    expect(w.stats().dropped.shutdown).toBe(1);

    const failing = new FakeStore();
    failing.failNext = 1_000;
    let t = 0;
    const w2 = new IntegrationLogWriter(failing, silent, { now: () => (t += 40), retryBaseMs: 1, retryMaxMs: 1, stopTimeoutMs: 200 });
    w2.record(entry(1));
    await w2.stop();
    expect(w2.stats()).toMatchObject({ queued: 0, dropped: { shutdown: 1 } });
  });
});
