import { handleStreamCommand, loadState, type Decider } from './aggregate';
import { EventStore, WrongExpectedVersionError, type AppendResult, type ExpectedRevision, type NewEvent, type RecordedEvent } from './port';

/** A minimal in-memory store for exercising the command loop; `interfere` simulates a concurrent writer. */
class MemoryStore extends EventStore {
  streams = new Map<string, RecordedEvent[]>();
  interfere: ((stream: string) => void) | null = null;

  async appendToStream(streamName: string, events: readonly NewEvent[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    this.interfere?.(streamName);
    const current = this.streams.get(streamName) ?? [];
    const actual = current.length === 0 ? 'no_stream' : BigInt(current.length - 1);
    const ok =
      options.expectedRevision === 'any' ||
      (options.expectedRevision === 'no_stream' && actual === 'no_stream') ||
      (typeof options.expectedRevision === 'bigint' && options.expectedRevision === actual);
    if (!ok) throw new WrongExpectedVersionError(streamName, options.expectedRevision, actual);
    for (const e of events) {
      current.push({ ...e, streamName, revision: BigInt(current.length), position: String(current.length), recordedAt: new Date() });
    }
    this.streams.set(streamName, current);
    return { nextExpectedRevision: BigInt(current.length - 1), position: String(current.length) };
  }
  async appendToStreams(): Promise<Map<string, bigint>> {
    throw new Error('not used');
  }
  async readStream(streamName: string): Promise<RecordedEvent[]> {
    return [...(this.streams.get(streamName) ?? [])];
  }
  async readAll(): Promise<RecordedEvent[]> {
    return [];
  }
  async waitForEvents(): Promise<void> {}
  async close(): Promise<void> {}
}

type Cmd = { type: 'Add'; amount: number } | { type: 'Fail' };
type Ev = { type: 'Added'; data: { amount: number } };
const counter: Decider<Cmd, number, Ev, string> = {
  initialState: () => 0,
  evolve: (s, e) => s + e.data.amount,
  decide: (c) => (c.type === 'Fail' ? { ok: false, error: 'no' } : { ok: true, value: c.amount === 0 ? [] : [{ type: 'Added', data: { amount: c.amount } }] }),
};
const metadata = (_e: Ev, version: number) => ({ version });

describe('handleStreamCommand', () => {
  it('appends the decided events with their aggregate versions and returns the new state', async () => {
    const store = new MemoryStore();
    await handleStreamCommand(store, 's-1', counter, { type: 'Add', amount: 2 }, { metadata });
    const outcome = await handleStreamCommand(store, 's-1', counter, { type: 'Add', amount: 3 }, { metadata });
    expect(outcome).toMatchObject({ kind: 'applied', state: 5, nextExpectedRevision: 1n });
    expect((await store.readStream('s-1')).map((e) => e.metadata)).toEqual([{ version: 1 }, { version: 2 }]);
  });

  it('stores nothing when the decision is empty, and reports a rejection without storing', async () => {
    const store = new MemoryStore();
    expect(await handleStreamCommand(store, 's-2', counter, { type: 'Add', amount: 0 }, { metadata })).toEqual({ kind: 'unchanged', state: 0 });
    expect(await handleStreamCommand(store, 's-2', counter, { type: 'Fail' }, { metadata })).toEqual({ kind: 'rejected', error: 'no' });
    expect(store.streams.has('s-2')).toBe(false);
  });

  it('reloads and decides again after a concurrent append (no lost update)', async () => {
    const store = new MemoryStore();
    await handleStreamCommand(store, 's-3', counter, { type: 'Add', amount: 1 }, { metadata });
    let once = true;
    store.interfere = (stream) => {
      if (!once) return;
      once = false;
      const events = store.streams.get(stream)!;
      events.push({ id: 'x', type: 'Added', data: { amount: 10 }, metadata: {}, streamName: stream, revision: BigInt(events.length), position: 'x', recordedAt: new Date() });
    };
    const outcome = await handleStreamCommand(store, 's-3', counter, { type: 'Add', amount: 5 }, { metadata });
    expect(outcome).toMatchObject({ kind: 'applied', state: 16 });
    expect((await loadState(store, 's-3', 0, counter.evolve)).state).toBe(16);
  });

  it('gives up with conflict after the bounded attempts, having changed nothing', async () => {
    const store = new MemoryStore();
    await handleStreamCommand(store, 's-4', counter, { type: 'Add', amount: 1 }, { metadata });
    store.interfere = (stream) => {
      const events = store.streams.get(stream)!;
      events.push({ id: 'x', type: 'Added', data: { amount: 1 }, metadata: {}, streamName: stream, revision: BigInt(events.length), position: 'x', recordedAt: new Date() });
    };
    const outcome = await handleStreamCommand(store, 's-4', counter, { type: 'Add', amount: 100 }, { metadata, maxAttempts: 3 });
    expect(outcome).toEqual({ kind: 'conflict' });
    expect((await store.readStream('s-4')).every((e) => (e.data as { amount: number }).amount !== 100)).toBe(true);
  });
});
