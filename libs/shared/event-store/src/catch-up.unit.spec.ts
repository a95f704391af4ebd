import { catchUpOnce, runCatchUp, type CatchUpErrorContext } from './catch-up';
import { EventStore, type AppendResult, type ReadAllOptions, type RecordedEvent } from './port';

/** Just enough of a store for the loop: a list of events, readAll by position, waits that appends end. */
class FakeStore extends EventStore {
  readonly events: RecordedEvent[] = [];
  readonly reads: ReadAllOptions[] = [];
  failReads = 0;
  private wakers = new Set<() => void>();
  pendingWaits = 0;

  add(...types: string[]): void {
    for (const type of types) {
      const n = this.events.length + 1;
      this.events.push({
        id: `id-${n}`,
        type,
        data: {},
        metadata: {},
        streamName: `${type.startsWith('other') ? 'other' : 'cat'}-1`,
        revision: BigInt(n - 1),
        position: String(n).padStart(6, '0'),
        recordedAt: new Date(0),
      });
    }
    for (const wake of [...this.wakers]) wake();
  }

  override async appendToStream(): Promise<AppendResult> {
    throw new Error('not used');
  }
  override async appendToStreams(): Promise<Map<string, bigint>> {
    throw new Error('not used');
  }
  override async readStream(): Promise<RecordedEvent[]> {
    throw new Error('not used');
  }
  override async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    this.reads.push(options);
    if (this.failReads > 0) {
      this.failReads -= 1;
      throw new Error('read failed');
    }
    return this.events
      .filter((e) => options.after == null || e.position > options.after)
      .filter((e) => !options.categories || options.categories.includes(e.streamName.split('-')[0]!))
      .slice(0, options.maxCount);
  }
  override waitForEvents(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    this.pendingWaits += 1;
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.wakers.delete(done);
        this.pendingWaits -= 1;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', done, { once: true });
      this.wakers.add(done);
    });
  }
  override async close(): Promise<void> {}
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('catchUpOnce', () => {
  it('handles every event after the checkpoint in batches and returns the last position', async () => {
    const store = new FakeStore();
    store.add('a', 'b', 'other-x', 'c', 'd', 'e');
    const batches: string[][] = [];
    const result = await catchUpOnce({
      store,
      categories: ['cat'],
      from: async () => store.events[0]!.position,
      batchSize: 2,
      handle: async (events) => void batches.push(events.map((e) => e.type)),
    });
    expect(batches).toEqual([['b', 'c'], ['d', 'e']]);
    expect(result).toEqual({ position: store.events[5]!.position, handled: 4 });
    expect(store.reads.every((r) => r.categories?.[0] === 'cat' && r.maxCount === 2)).toBe(true);
  });

  it('returns the checkpoint unchanged when there is nothing new, and null from the beginning of an empty store', async () => {
    const store = new FakeStore();
    expect(await catchUpOnce({ store, from: async () => null, handle: async () => {} })).toEqual({ position: null, handled: 0 });
  });

  it('rejects with the handler error after keeping earlier batches handled', async () => {
    const store = new FakeStore();
    store.add('a', 'b', 'c');
    const handled: string[] = [];
    const failure = new Error('nope');
    await expect(
      catchUpOnce({
        store,
        from: async () => null,
        batchSize: 1,
        handle: async ([event]) => {
          if (event!.type === 'b') throw failure;
          handled.push(event!.type);
        },
      }),
    ).rejects.toBe(failure);
    expect(handled).toEqual(['a']);
  });

  it('refuses a batch size below 1', async () => {
    await expect(catchUpOnce({ store: new FakeStore(), from: async () => null, handle: async () => {}, batchSize: 0 })).rejects.toThrow(RangeError);
  });
});

describe('runCatchUp', () => {
  it('reads from the checkpoint, follows new events while idle, and stops on abort', async () => {
    const store = new FakeStore();
    store.add('a', 'b');
    const handled: string[] = [];
    let fromCalls = 0;
    const controller = new AbortController();
    const running = runCatchUp({
      store,
      from: async () => {
        fromCalls += 1;
        return store.events[0]!.position;
      },
      handle: async (events) => void handled.push(...events.map((e) => e.type)),
      signal: controller.signal,
      idleWaitMs: 60_000,
    });
    await until(() => handled.length === 1 && store.pendingWaits === 1);
    store.add('c', 'd'); // wakes the idle wait long before its 60 s timeout
    await until(() => handled.length === 3);
    controller.abort();
    await running;
    expect(handled).toEqual(['b', 'c', 'd']);
    expect(fromCalls).toBe(1);
    expect(store.pendingWaits).toBe(0);
  });

  it('retries a failed batch as is until the handler succeeds, reporting each failure', async () => {
    const store = new FakeStore();
    store.add('a', 'b', 'c');
    const seen: string[][] = [];
    const errors: [unknown, CatchUpErrorContext][] = [];
    let failuresLeft = 3;
    const controller = new AbortController();
    const running = runCatchUp({
      store,
      from: async () => null,
      batchSize: 2,
      retryDelayMs: 1,
      signal: controller.signal,
      onError: (error, context) => errors.push([error, context]),
      handle: async (events) => {
        seen.push(events.map((e) => e.type));
        if (events[0]!.type === 'a' && failuresLeft-- > 0) throw new Error(`fail ${failuresLeft}`);
      },
    });
    await until(() => seen.some((batch) => batch.includes('c')));
    controller.abort();
    await running;
    expect(seen).toEqual([['a', 'b'], ['a', 'b'], ['a', 'b'], ['a', 'b'], ['c']]);
    expect(errors.map(([, c]) => [c.stage, c.attempt, c.after, c.events.map((e) => e.type)])).toEqual([
      ['handle', 1, null, ['a', 'b']],
      ['handle', 2, null, ['a', 'b']],
      ['handle', 3, null, ['a', 'b']],
    ]);
    // The failed batch was retried without reading again.
    expect(store.reads.filter((r) => r.after == null)).toHaveLength(1);
  });

  it('survives failing reads and checkpoint loads, and a throwing error reporter', async () => {
    const store = new FakeStore();
    store.add('a');
    store.failReads = 2;
    let fromFailures = 1;
    const stages: string[] = [];
    const handled: string[] = [];
    const controller = new AbortController();
    const running = runCatchUp({
      store,
      from: async () => {
        if (fromFailures-- > 0) throw new Error('checkpoint table unavailable');
        return null;
      },
      retryDelayMs: 1,
      signal: controller.signal,
      onError: (_error, context) => {
        stages.push(context.stage);
        throw new Error('reporter broke');
      },
      handle: async (events) => void handled.push(...events.map((e) => e.type)),
    });
    await until(() => handled.length === 1);
    controller.abort();
    await running;
    expect(stages).toEqual(['checkpoint', 'read', 'read']);
    expect(handled).toEqual(['a']);
  });

  it('ends during a retry pause and during an idle wait as soon as the signal aborts', async () => {
    const store = new FakeStore();
    const controller = new AbortController();
    const started = Date.now();
    const running = runCatchUp({ store, from: async () => null, handle: async () => {}, signal: controller.signal, idleWaitMs: 60_000 });
    await until(() => store.pendingWaits === 1);
    controller.abort();
    await running;

    store.add('a');
    const failing = new AbortController();
    let attempts = 0;
    const retrying = runCatchUp({
      store,
      from: async () => null,
      handle: async () => {
        attempts += 1;
        throw new Error('always');
      },
      signal: failing.signal,
      retryDelayMs: 60_000,
    });
    await until(() => attempts === 1);
    failing.abort();
    await retrying;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(attempts).toBe(1);
  });

  it('re-polls soon when a wake-up finds nothing yet, instead of waiting a full idle period', async () => {
    const store = new FakeStore();
    const controller = new AbortController();
    const waits: number[] = [];
    const wait = store.waitForEvents.bind(store);
    store.waitForEvents = (timeoutMs, signal) => {
      waits.push(timeoutMs);
      return wait(timeoutMs, signal);
    };
    const running = runCatchUp({ store, from: async () => null, handle: async () => {}, signal: controller.signal, idleWaitMs: 60_000 });
    await until(() => store.pendingWaits === 1);
    // A notification whose event is not readable yet: wake the waiter without adding an event.
    (store as unknown as { wakers: Set<() => void> }).wakers.forEach((wake) => wake());
    await until(() => waits.length >= 4);
    controller.abort();
    await running;
    expect(waits.slice(0, 4)).toEqual([60_000, 20, 40, 80]);
  });
});
