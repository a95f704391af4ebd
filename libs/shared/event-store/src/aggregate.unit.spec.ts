import type { ApiError } from '@datamingle/contracts';
import { handleStreamCommand, loadState, type Decider } from './aggregate';
import { decideAndAppend } from './command-reply';
import { EventStore, WrongExpectedVersionError, type AppendResult, type ExpectedRevision, type NewEvent, type RecordedEvent } from './port';
import { WriteAppliedError, WriteInDoubtError, writeOutcomeOf } from './write-outcome';

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

describe('write outcome of a command (write-outcome.ts)', () => {
  /** The counter with API errors, as decideAndAppend wants them. */
  const apiCounter: Decider<Cmd, number, Ev, ApiError> = {
    ...counter,
    decide: (c, s) => {
      const d = counter.decide(c, s);
      return d.ok ? d : { ok: false, error: { code: 'VALIDATION_ERROR', message: d.error } };
    },
  };

  it('an append that failed in doubt is thrown as it is', async () => {
    const store = new MemoryStore();
    const inDoubt = new WriteInDoubtError(new Error('Connection terminated unexpectedly'));
    store.interfere = () => {
      throw inDoubt;
    };
    await expect(handleStreamCommand(store, 'w-1', counter, { type: 'Add', amount: 1 }, { metadata })).rejects.toBe(inDoubt);
    await expect(decideAndAppend(store, 'w-1', apiCounter, { type: 'Add', amount: 1 }, metadata, (n) => ({ n }))).rejects.toBe(inDoubt);
  });

  it('a failure after the append (folding the new events, the representation) is "applied, then failed"', async () => {
    const store = new MemoryStore();
    let evolving = 0;
    const failsAfterAppend: typeof counter = {
      ...counter,
      evolve: (s, e) => {
        // Called while loading (no events yet) never; after the append once per new event.
        evolving += 1;
        throw new TypeError(`bug in evolve (${s}, ${e.data.amount})`);
      },
    };
    const folded = await handleStreamCommand(store, 'w-2', failsAfterAppend, { type: 'Add', amount: 1 }, { metadata }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(evolving).toBe(1);
    expect(folded).toBeInstanceOf(WriteAppliedError);
    expect((folded as WriteAppliedError).cause).toBeInstanceOf(TypeError);
    expect(store.streams.get('w-2')).toHaveLength(1); // it was stored

    const represented = await decideAndAppend(store, 'w-3', apiCounter, { type: 'Add', amount: 1 }, metadata, () => {
      throw new TypeError('bug in the representation');
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(writeOutcomeOf(represented)).toBe('applied');
    expect(store.streams.get('w-3')).toHaveLength(1);
  });

  it('nothing appended (rejected, unchanged): the representation is not even asked for, and no failure is wrapped', async () => {
    const store = new MemoryStore();
    const representation = jest.fn((n: number) => ({ n }));
    expect(await decideAndAppend(store, 'w-4', apiCounter, { type: 'Fail' }, metadata, representation)).toEqual({
      result: { kind: 'rejected', error: { code: 'VALIDATION_ERROR', message: 'no' } },
      appended: null,
    });
    expect(representation).not.toHaveBeenCalled();
    const plain = new Error('Connection terminated unexpectedly');
    store.interfere = () => {
      throw plain;
    };
    await expect(decideAndAppend(store, 'w-4', apiCounter, { type: 'Add', amount: 1 }, metadata, representation)).rejects.toBe(plain);
  });

  it('reports the appended revisions and the representation after them', async () => {
    const store = new MemoryStore();
    await handleStreamCommand(store, 'w-5', counter, { type: 'Add', amount: 2 }, { metadata });
    expect(await decideAndAppend(store, 'w-5', apiCounter, { type: 'Add', amount: 3 }, metadata, (n) => ({ n }))).toMatchObject({
      result: { kind: 'applied', state: 5 },
      appended: { fromRevision: 1n, toRevision: 1n, doc: { n: 5 } },
    });
  });
});
