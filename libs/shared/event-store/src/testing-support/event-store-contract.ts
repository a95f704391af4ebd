/**
 * The contract every EventStore adapter passes (PostgreSQL now, EventStoreDB later).
 * Adapter-agnostic: only the port is used, every test writes to streams with a random
 * category of its own, so the suite can run against a shared server with other data in it
 * (including events of other tests: readAll results are filtered to the test's own streams).
 * Adapter-specific behaviour (e.g. PostgreSQL's late-committing transactions) is tested in
 * the adapter's own spec.
 */
import { randomUUID } from 'node:crypto';
import { eventually } from '@datamingle/testing';
import { catchUpOnce, runCatchUp, type CatchUpErrorContext } from '../catch-up';
import {
  DuplicateEventIdError,
  streamCategory,
  WrongExpectedVersionError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
} from '../port';

export interface EventStoreContractSubject {
  store: EventStore;
  /** Closes the store and releases whatever the factory created. */
  cleanup: () => Promise<void>;
}

export interface EventStoreContractOptions {
  /** Longest time an appended event may take to show up in readAll (default 10 s). */
  visibilityTimeoutMs?: number;
  /** Jest timeout of the concurrency test (default 60 s). */
  concurrencyTestTimeoutMs?: number;
  /**
   * Whether the store rejects an event id already used in another stream (default true).
   * EventStoreDB keeps ids unique per stream only; its run declares false and the suite then
   * checks that behaviour instead.
   */
  eventIdsUniqueAcrossStreams?: boolean;
}

/** Declares the contract tests; `factory` runs once before them, `cleanup` once after. */
export function describeEventStoreContract(
  adapterName: string,
  factory: () => Promise<EventStoreContractSubject>,
  options: EventStoreContractOptions = {},
): void {
  const visibilityTimeoutMs = options.visibilityTimeoutMs ?? 10_000;
  const eventIdsUniqueAcrossStreams = options.eventIdsUniqueAcrossStreams ?? true;
  const testTimeoutMs = visibilityTimeoutMs + 10_000;
  const it = (name: string, fn: () => Promise<void>, timeoutMs = testTimeoutMs): void => test(name, fn, timeoutMs);

  describe(`EventStore contract: ${adapterName}`, () => {
    let subject: EventStoreContractSubject | undefined;
    const store = (): EventStore => {
      if (!subject) throw new Error('the contract factory failed; see beforeAll');
      return subject.store;
    };

    beforeAll(async () => {
      subject = await factory();
    }, 60_000);

    afterAll(async () => {
      await subject?.cleanup();
    });

    const typesOf = async (stream: string): Promise<string[]> => (await store().readStream(stream)).map((e) => e.type);

    /** Reads readAll from `after` (pages of `maxCount`) until `count` events of `streams` arrived; returns them in order. */
    async function readAllOf(
      streams: ReadonlySet<string>,
      after: string,
      count: number,
      readOptions: { maxCount?: number; categories?: readonly string[] } = {},
    ): Promise<{ events: RecordedEvent[]; others: RecordedEvent[]; position: string }> {
      const events: RecordedEvent[] = [];
      const others: RecordedEvent[] = [];
      let position = after;
      await eventually(async () => {
        for (;;) {
          const page = await store().readAll({ after: position, maxCount: readOptions.maxCount ?? 100, categories: readOptions.categories });
          if (page.length === 0) break;
          expect(page.length).toBeLessThanOrEqual(readOptions.maxCount ?? 100);
          for (const event of page) (streams.has(event.streamName) ? events : others).push(event);
          position = page[page.length - 1]!.position;
        }
        expect(events.length).toBeGreaterThanOrEqual(count);
      }, visibilityTimeoutMs);
      return { events, others, position };
    }

    describe('appendToStream and readStream', () => {
      it('reads back appended events in revision order with their ids, types, data and metadata', async () => {
        const stream = streamName();
        const events = [
          newEvent('OrderCreated', {
            orderId: 'o-1',
            lines: [{ sku: 'A-1', quantity: 2, price: '19.99' }],
            note: 'ünïcødé ✓ "quoted" \\ back\\slash \n newline',
            flags: { rush: true, gift: false, coupon: null },
            ratio: 0.125,
            big: '123456789012345678901234567890',
          }),
          newEvent('OrderLinesAdded', [1, 'two', { three: 3 }], { correlationId: randomUUID(), tenantId: 't-1' }),
          newEvent('OrderNoted', 'just a string'),
        ];

        const result = await store().appendToStream(stream, events, { expectedRevision: 'no_stream' });
        const read = await store().readStream(stream);

        expect(read.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
        read.forEach((recorded, i) => {
          const appended = events[i]!;
          expect(recorded.id).toBe(appended.id);
          expect(recorded.type).toBe(appended.type);
          expect(recorded.data).toEqual(appended.data);
          expect(recorded.metadata).toEqual(appended.metadata);
          expect(recorded.streamName).toBe(stream);
          expect(typeof recorded.position).toBe('string');
          expect(recorded.recordedAt).toBeInstanceOf(Date);
          expect(Number.isNaN(recorded.recordedAt.getTime())).toBe(false);
        });
        expectStrictlyIncreasing(read.map((e) => e.position));
        expect(result.nextExpectedRevision).toBe(2n);
        expect(result.position).toBe(read[2]!.position);
      });

      it('continues a stream from its last revision', async () => {
        const stream = streamName();
        const first = await store().appendToStream(stream, [newEvent('A'), newEvent('B')], { expectedRevision: 'no_stream' });
        const second = await store().appendToStream(stream, [newEvent('C'), newEvent('D')], {
          expectedRevision: first.nextExpectedRevision,
        });

        const read = await store().readStream(stream);
        expect(read.map((e) => [e.type, e.revision])).toEqual([
          ['A', 0n],
          ['B', 1n],
          ['C', 2n],
          ['D', 3n],
        ]);
        expect(second.nextExpectedRevision).toBe(3n);
        expect(second.position).toBe(read[3]!.position);
        expect(second.position > first.position).toBe(true);
      });

      it('reads a slice of a stream with fromRevision and maxCount', async () => {
        const stream = streamName();
        await store().appendToStream(stream, ['E0', 'E1', 'E2', 'E3', 'E4'].map((type) => newEvent(type)), {
          expectedRevision: 'no_stream',
        });
        const types = async (options: { fromRevision?: bigint; maxCount?: number }) =>
          (await store().readStream(stream, options)).map((e) => e.type);

        expect(await types({ fromRevision: 2n })).toEqual(['E2', 'E3', 'E4']);
        expect(await types({ maxCount: 2 })).toEqual(['E0', 'E1']);
        expect(await types({ fromRevision: 1n, maxCount: 3 })).toEqual(['E1', 'E2', 'E3']);
        expect(await types({ fromRevision: 3n, maxCount: 10 })).toEqual(['E3', 'E4']);
        expect(await types({ fromRevision: 5n })).toEqual([]);
        expect((await store().readStream(stream, { fromRevision: 4n }))[0]?.revision).toBe(4n);
      });

      it('reads a stream that does not exist as []', async () => {
        expect(await store().readStream(streamName())).toEqual([]);
        expect(await store().readStream(streamName(), { fromRevision: 3n, maxCount: 5 })).toEqual([]);
      });
    });

    describe('expected revision', () => {
      it("'no_stream' creates a stream and fails once it exists", async () => {
        const stream = streamName();
        const created = await store().appendToStream(stream, [newEvent('A')], { expectedRevision: 'no_stream' });
        expect(created.nextExpectedRevision).toBe(0n);

        await expectWrongExpectedVersion(
          store().appendToStream(stream, [newEvent('B')], { expectedRevision: 'no_stream' }),
          { streamName: stream, expected: 'no_stream', actual: 0n },
        );
        expect(await typesOf(stream)).toEqual(['A']);
      });

      it('an exact revision succeeds only when it is the stream revision', async () => {
        const stream = streamName();
        await store().appendToStream(stream, [newEvent('A'), newEvent('B')], { expectedRevision: 'no_stream' });

        await expectWrongExpectedVersion(store().appendToStream(stream, [newEvent('X')], { expectedRevision: 0n }), {
          streamName: stream,
          expected: 0n,
          actual: 1n,
        });
        await expectWrongExpectedVersion(store().appendToStream(stream, [newEvent('X')], { expectedRevision: 5n }), {
          streamName: stream,
          expected: 5n,
          actual: 1n,
        });
        const result = await store().appendToStream(stream, [newEvent('C')], { expectedRevision: 1n });
        expect(result.nextExpectedRevision).toBe(2n);
        expect(await typesOf(stream)).toEqual(['A', 'B', 'C']);
      });

      it("an exact revision on a missing stream fails with actual 'no_stream'", async () => {
        const stream = streamName();
        await expectWrongExpectedVersion(store().appendToStream(stream, [newEvent('A')], { expectedRevision: 0n }), {
          streamName: stream,
          expected: 0n,
          actual: 'no_stream',
        });
        expect(await store().readStream(stream)).toEqual([]);
      });

      it("'stream_exists' fails on a missing stream and appends to an existing one", async () => {
        const stream = streamName();
        await expectWrongExpectedVersion(
          store().appendToStream(stream, [newEvent('A')], { expectedRevision: 'stream_exists' }),
          { streamName: stream, expected: 'stream_exists', actual: 'no_stream' },
        );
        expect(await store().readStream(stream)).toEqual([]);

        await store().appendToStream(stream, [newEvent('A')], { expectedRevision: 'no_stream' });
        const result = await store().appendToStream(stream, [newEvent('B'), newEvent('C')], {
          expectedRevision: 'stream_exists',
        });
        expect(result.nextExpectedRevision).toBe(2n);
        expect(await typesOf(stream)).toEqual(['A', 'B', 'C']);
      });

      it("'any' creates a missing stream and appends to an existing one", async () => {
        const stream = streamName();
        const first = await store().appendToStream(stream, [newEvent('A')], { expectedRevision: 'any' });
        const second = await store().appendToStream(stream, [newEvent('B'), newEvent('C')], { expectedRevision: 'any' });
        expect(first.nextExpectedRevision).toBe(0n);
        expect(second.nextExpectedRevision).toBe(2n);
        expect(await typesOf(stream)).toEqual(['A', 'B', 'C']);
      });

      it('appending no events only checks the expected revision', async () => {
        const stream = streamName();
        await store().appendToStream(stream, [], { expectedRevision: 'no_stream' });
        await store().appendToStream(stream, [], { expectedRevision: 'any' });
        await expectWrongExpectedVersion(store().appendToStream(stream, [], { expectedRevision: 'stream_exists' }), {
          streamName: stream,
          expected: 'stream_exists',
          actual: 'no_stream',
        });
        expect(await store().readStream(stream)).toEqual([]);

        await store().appendToStream(stream, [newEvent('A')], { expectedRevision: 'no_stream' });
        const unchanged = await store().appendToStream(stream, [], { expectedRevision: 0n });
        expect(unchanged.nextExpectedRevision).toBe(0n);
        await store().appendToStream(stream, [], { expectedRevision: 'stream_exists' });
        await expectWrongExpectedVersion(store().appendToStream(stream, [], { expectedRevision: 3n }), {
          streamName: stream,
          expected: 3n,
          actual: 0n,
        });
        await expectWrongExpectedVersion(store().appendToStream(stream, [], { expectedRevision: 'no_stream' }), {
          streamName: stream,
          expected: 'no_stream',
          actual: 0n,
        });
        expect(await typesOf(stream)).toEqual(['A']);
      });
    });

    describe('atomicity and event ids', () => {
      it('a multi-event append that fails leaves nothing behind', async () => {
        const stream = streamName();
        await store().appendToStream(stream, [newEvent('A')], { expectedRevision: 'no_stream' });
        const batch = [newEvent('B'), newEvent('C'), newEvent('D'), newEvent('E'), newEvent('F')];

        await expectWrongExpectedVersion(store().appendToStream(stream, batch, { expectedRevision: 'no_stream' }), {
          streamName: stream,
          expected: 'no_stream',
          actual: 0n,
        });
        expect(await typesOf(stream)).toEqual(['A']);

        // The same events (same ids) still go in afterwards: no part of the failed append remained.
        const result = await store().appendToStream(stream, batch, { expectedRevision: 0n });
        expect(result.nextExpectedRevision).toBe(5n);
        expect(await typesOf(stream)).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
      });

      if (eventIdsUniqueAcrossStreams) {
        it('rejects an event id already used in another stream, appending none of the batch', async () => {
          const taken = newEvent('Taken');
          const other = streamName();
          await store().appendToStream(other, [taken], { expectedRevision: 'no_stream' });

          const stream = streamName();
          const batch = [newEvent('A'), { ...newEvent('B'), id: taken.id }, newEvent('C')];
          const error = await rejectionOf(store().appendToStream(stream, batch, { expectedRevision: 'no_stream' }));
          expect(error).toBeInstanceOf(DuplicateEventIdError);
          expect(error).not.toBeInstanceOf(WrongExpectedVersionError);

          expect(await store().readStream(stream)).toEqual([]);
          expect(await typesOf(other)).toEqual(['Taken']);
          // The failed append did not create the stream either.
          const retried = await store().appendToStream(stream, [batch[0]!, batch[2]!], { expectedRevision: 'no_stream' });
          expect(retried.nextExpectedRevision).toBe(1n);
        });
      } else {
        it('keeps event ids unique per stream only: an id used in another stream is accepted (declared by the adapter)', async () => {
          const shared = newEvent('Shared');
          const [one, two] = [streamName(), streamName()];
          await store().appendToStream(one, [shared], { expectedRevision: 'no_stream' });
          await store().appendToStream(two, [{ ...shared, type: 'SharedToo' }], { expectedRevision: 'no_stream' });
          expect(await typesOf(one)).toEqual(['Shared']);
          expect(await typesOf(two)).toEqual(['SharedToo']);
        });
      }

      it('rejects the same event id twice in one append', async () => {
        const stream = streamName();
        const event = newEvent('A');
        await expect(
          store().appendToStream(stream, [event, newEvent('B'), { ...event }], { expectedRevision: 'any' }),
        ).rejects.toBeInstanceOf(DuplicateEventIdError);
        expect(await store().readStream(stream)).toEqual([]);
      });

      it('never stores an event twice in its stream: re-appending it is rejected or an idempotent no-op', async () => {
        const stream = streamName();
        const event = newEvent('A');
        await store().appendToStream(stream, [event], { expectedRevision: 'any' });
        const again = await settle(store().appendToStream(stream, [event], { expectedRevision: 'any' }));
        if (!again.ok) expect(again.error).toBeInstanceOf(DuplicateEventIdError);
        else expect(again.value.nextExpectedRevision).toBe(0n);
        expect(await typesOf(stream)).toEqual(['A']);
      });

      it('a retried append whose acknowledgement was lost is not applied twice', async () => {
        const stream = streamName();
        const batch = [newEvent('A'), newEvent('B')];
        const first = await store().appendToStream(stream, batch, { expectedRevision: 'no_stream' });
        // The same request again, as a client retries when the first answer never reached it.
        const retry = await settle(store().appendToStream(stream, batch, { expectedRevision: 'no_stream' }));
        if (!retry.ok) {
          expect(retry.error instanceof WrongExpectedVersionError || retry.error instanceof DuplicateEventIdError).toBe(true);
        } else {
          expect(retry.value.nextExpectedRevision).toBe(first.nextExpectedRevision);
        }
        expect(await typesOf(stream)).toEqual(['A', 'B']);
      });
    });

    describe('appendToStreams', () => {
      it('appends to several streams at once, with data and metadata read back as appended', async () => {
        const [one, two, fresh] = [streamName(), streamName(), streamName()];
        await store().appendToStream(one, [newEvent('Before')], { expectedRevision: 'no_stream' });
        await store().appendToStream(two, [newEvent('Before')], { expectedRevision: 'no_stream' });
        const metadata = { tenant_id: randomUUID(), aggregate_version: 2, nested: { list: [1, 'two'], flag: true, none: null } };
        const result = await store().appendToStreams([
          { streamName: one, events: [newEvent('One1', { n: 1 }, metadata), newEvent('One2', 'text')], expectedRevision: 0n },
          { streamName: two, events: [newEvent('Two1', [1, 2, 3])], expectedRevision: 'stream_exists' },
          { streamName: fresh, events: [newEvent('Fresh1')], expectedRevision: 'no_stream' },
        ]);

        expect(result.get(one)).toBe(2n);
        expect(result.get(two)).toBe(1n);
        expect(result.get(fresh)).toBe(0n);
        const read = await store().readStream(one);
        expect(read.map((e) => [e.type, e.revision])).toEqual([
          ['Before', 0n],
          ['One1', 1n],
          ['One2', 2n],
        ]);
        expect(read[1]!.data).toEqual({ n: 1 });
        expect(read[1]!.metadata).toEqual(metadata);
        expect(read[2]!.data).toBe('text');
        expect((await store().readStream(two)).map((e) => e.data)).toEqual([{ at: 'Before' }, [1, 2, 3]]);
        expect(await typesOf(fresh)).toEqual(['Fresh1']);
      });

      it('appends nothing to any stream when one stream is not at its expected revision', async () => {
        const [ok, behind] = [streamName(), streamName()];
        await store().appendToStream(behind, [newEvent('A'), newEvent('B')], { expectedRevision: 'no_stream' });
        const error = await rejectionOf(
          store().appendToStreams([
            { streamName: ok, events: [newEvent('X')], expectedRevision: 'no_stream' },
            { streamName: behind, events: [newEvent('C')], expectedRevision: 0n },
          ]),
        );
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect(await store().readStream(ok)).toEqual([]);
        expect(await typesOf(behind)).toEqual(['A', 'B']);
      });

      it('rejects a stream named twice, appending nothing', async () => {
        const stream = streamName();
        await expect(
          store().appendToStreams([
            { streamName: stream, events: [newEvent('A')], expectedRevision: 'any' },
            { streamName: stream, events: [newEvent('B')], expectedRevision: 'any' },
          ]),
        ).rejects.toBeInstanceOf(TypeError);
        expect(await store().readStream(stream)).toEqual([]);
      });
    });

    describe('readAll', () => {
      it('returns events in append order after a checkpoint, page by page', async () => {
        const category = categoryName();
        const marker = await store().appendToStream(`${category}-marker`, [newEvent('Marker')], { expectedRevision: 'no_stream' });
        const [s1, s2, s3] = [`${category}-1`, `${category}-2`, `${category}-3`];
        const appends: [string, string[]][] = [
          [s1, ['a1', 'a2']],
          [s2, ['b1']],
          [s1, ['a3']],
          [s3, ['c1', 'c2', 'c3']],
          [s2, ['b2']],
        ];
        const results: AppendResult[] = [];
        for (const [stream, types] of appends) {
          results.push(await store().appendToStream(stream, types.map((t) => newEvent(t)), { expectedRevision: 'any' }));
        }
        const expected = appends.flatMap(([, types]) => types);
        const streams = new Set([s1, s2, s3]);

        const { events, position } = await readAllOf(streams, marker.position, expected.length, { maxCount: 2 });

        expect(events.map((e) => e.type)).toEqual(expected);
        expectStrictlyIncreasing(events.map((e) => e.position));
        expect(events.every((e) => e.position > marker.position)).toBe(true);
        // Each append's result position is the position of its last event as readAll reports it.
        let end = 0;
        appends.forEach(([, types], i) => {
          end += types.length;
          expect(results[i]!.position).toBe(events[end - 1]!.position);
        });
        // readAll reports what readStream reports.
        for (const stream of streams) {
          const fromStream = await store().readStream(stream);
          const fromAll = events.filter((e) => e.streamName === stream);
          expect(fromAll.map(summary)).toEqual(fromStream.map(summary));
        }
        // Continuing after an event starts right after it.
        const afterA2 = await store().readAll({ after: events[1]!.position, maxCount: 1000 });
        expect(afterA2.filter((e) => streams.has(e.streamName)).map((e) => e.type)).toEqual(expected.slice(2));
        // Nothing of ours after the last one.
        const rest = await store().readAll({ after: position, maxCount: 1000 });
        expect(rest.filter((e) => streams.has(e.streamName))).toEqual([]);
      });

      it('reads from the beginning when after is null or omitted', async () => {
        const stream = streamName();
        await store().appendToStream(stream, [newEvent('A')], { expectedRevision: 'no_stream' });
        await eventually(async () => {
          const fromNull = await store().readAll({ after: null, maxCount: 3 });
          const fromOmitted = await store().readAll({ maxCount: 3 });
          expect(fromNull.length).toBeGreaterThanOrEqual(1);
          expect(fromNull.length).toBeLessThanOrEqual(3);
          expect(fromOmitted.map((e) => e.position)).toEqual(fromNull.map((e) => e.position));
        }, visibilityTimeoutMs);
      });

      it('filters by category', async () => {
        const catA = categoryName();
        const catB = categoryName();
        const marker = await store().appendToStream(streamName(), [newEvent('Marker')], { expectedRevision: 'no_stream' });
        const appends: [string, string][] = [
          [`${catA}-1`, 'a1'],
          [`${catB}-1`, 'b1'],
          [`${catA}x-1`, 'other-category-with-same-prefix'],
          [catA, 'a-stream-named-like-the-category'],
          [`${catA}-2-with-dashes`, 'a2'],
          [`${catB}-2`, 'b2'],
        ];
        for (const [stream, type] of appends) {
          await store().appendToStream(stream, [newEvent(type)], { expectedRevision: 'any' });
        }
        const ours = new Set(appends.map(([stream]) => stream));

        const onlyA = await readAllOf(ours, marker.position, 3, { categories: [catA], maxCount: 2 });
        expect(onlyA.events.map((e) => e.type)).toEqual(['a1', 'a-stream-named-like-the-category', 'a2']);
        expect(onlyA.others).toEqual([]);

        const aAndB = await readAllOf(ours, marker.position, 5, { categories: [catA, catB] });
        expect(aAndB.events.map((e) => e.type)).toEqual(['a1', 'b1', 'a-stream-named-like-the-category', 'a2', 'b2']);
        expect([...aAndB.events, ...aAndB.others].every((e) => [catA, catB].includes(streamCategory(e.streamName)))).toBe(true);
      });

      it('filters by tenant (metadata tenant_id, streams named <category>-<tenant>-…), in global order, with categories too', async () => {
        const [catA, catB] = [categoryName(), categoryName()];
        const [tenant, other] = [randomUUID(), randomUUID()];
        const marker = await store().appendToStream(streamName(), [newEvent('Marker')], { expectedRevision: 'no_stream' });
        const appends: [string, string, string][] = [
          [`${catA}-${tenant}-1`, tenant, 'a1'],
          [`${catA}-${other}-1`, other, 'other-a1'],
          [`${catB}-${tenant}-1`, tenant, 'b1'],
          [`${catA}-${tenant}-2`, tenant, 'a2'],
          [`${catB}-${other}-1`, other, 'other-b1'],
        ];
        for (const [stream, tenantId, type] of appends) {
          await store().appendToStream(stream, [newEvent(type, { at: type }, { tenant_id: tenantId })], { expectedRevision: 'any' });
        }
        const readTenant = async (options: { categories?: string[] }, count: number): Promise<RecordedEvent[]> => {
          let found: RecordedEvent[] = [];
          await eventually(async () => {
            found = [];
            let after: string | null = marker.position;
            for (;;) {
              const page = await store().readAll({ after, maxCount: 2, tenantId: tenant, ...options });
              if (page.length === 0) break;
              found.push(...page);
              after = page[page.length - 1]!.position;
            }
            expect(found.length).toBe(count);
          }, visibilityTimeoutMs);
          return found;
        };
        const all = await readTenant({}, 3);
        expect(all.map((e) => e.type)).toEqual(['a1', 'b1', 'a2']);
        expectStrictlyIncreasing(all.map((e) => e.position));
        expect((await readTenant({ categories: [catB] }, 1)).map((e) => e.type)).toEqual(['b1']);
        // Data only of the categories asked for: the others may come without it, never with other data.
        const partial = await store().readAll({ after: marker.position, maxCount: 10, tenantId: tenant, dataCategories: [catB] });
        for (const e of partial) {
          if (streamCategory(e.streamName) === catB) expect(e.data).toEqual({ at: e.type });
          else expect([null, JSON.stringify({ at: e.type })]).toContain(e.data === null ? null : JSON.stringify(e.data));
        }
      });
    });

    describe('waitForEvents', () => {
      it('resolves by the timeout when nothing is appended', async () => {
        const started = Date.now();
        await store().waitForEvents(200);
        expect(Date.now() - started).toBeLessThan(5_000);
      });

      it('wakes a waiting reader soon after an append, long before its timeout', async () => {
        const stream = streamName();
        // The first waits may open the store's notification channel; a later one must be woken.
        await eventually(async () => {
          const started = Date.now();
          const waiting = store().waitForEvents(20_000);
          await new Promise((r) => setTimeout(r, 100));
          await store().appendToStream(stream, [newEvent('Wake')], { expectedRevision: 'any' });
          await waiting;
          expect(Date.now() - started).toBeLessThan(3_000);
        }, visibilityTimeoutMs + 30_000);
      }, visibilityTimeoutMs + 40_000);

      it('wakes a reader of some categories for appends to them, not for appends to others', async () => {
        const mine = categoryName();
        const other = categoryName();
        await eventually(async () => {
          // Open the notification channel (and consume a wake-up pending from earlier tests).
          await store().waitForEvents(300, undefined, [mine]);
          let woken = false;
          const started = Date.now();
          const waiting = store().waitForEvents(20_000, undefined, [mine]).then(() => (woken = true));
          await new Promise((r) => setTimeout(r, 100));
          await store().appendToStream(`${other}-1`, [newEvent('NotMine')], { expectedRevision: 'any' });
          await new Promise((r) => setTimeout(r, 700));
          expect(woken).toBe(false);
          await store().appendToStream(`${mine}-1`, [newEvent('Mine')], { expectedRevision: 'any' });
          await waiting;
          expect(Date.now() - started).toBeLessThan(4_000);
        }, visibilityTimeoutMs + 30_000);
      }, visibilityTimeoutMs + 40_000);

      it('resolves at once for an aborted signal, and when the signal aborts while waiting', async () => {
        const started = Date.now();
        await store().waitForEvents(60_000, AbortSignal.abort());
        const controller = new AbortController();
        const waiting = store().waitForEvents(60_000, controller.signal);
        setTimeout(() => controller.abort(), 50);
        await waiting;
        expect(Date.now() - started).toBeLessThan(5_000);
      });
    });

    describe('catch-up', () => {
      it('catchUpOnce handles everything after the checkpoint, in batches, and reports the new checkpoint', async () => {
        const category = categoryName();
        const marker = await store().appendToStream(`${category}-marker`, [newEvent('Marker')], { expectedRevision: 'no_stream' });
        const stream = `${category}-1`;
        await store().appendToStream(stream, ['A', 'B', 'C', 'D', 'E'].map((t) => newEvent(t)), { expectedRevision: 'no_stream' });

        const handled: RecordedEvent[] = [];
        const batchSizes: number[] = [];
        let checkpoint: string | null = marker.position;
        await eventually(async () => {
          const result = await catchUpOnce({
            store: store(),
            categories: [category],
            from: async () => checkpoint,
            batchSize: 2,
            handle: async (events) => {
              handled.push(...events);
              batchSizes.push(events.length);
            },
          });
          checkpoint = result.position;
          expect(handled.length).toBe(5);
        }, visibilityTimeoutMs);

        expect(handled.map((e) => e.type)).toEqual(['A', 'B', 'C', 'D', 'E']);
        expect(batchSizes.every((n) => n <= 2)).toBe(true);
        expect(checkpoint).toBe(handled[4]!.position);
        const again = await catchUpOnce({ store: store(), categories: [category], from: async () => checkpoint, handle: async () => {} });
        expect(again).toEqual({ position: checkpoint, handled: 0 });
      });

      it('catchUpOnce rejects with the handler error', async () => {
        const category = categoryName();
        const marker = await store().appendToStream(`${category}-marker`, [newEvent('Marker')], { expectedRevision: 'no_stream' });
        await store().appendToStream(`${category}-1`, [newEvent('A')], { expectedRevision: 'no_stream' });
        const failure = new Error('handler failed');
        await eventually(
          () =>
            expect(
              catchUpOnce({
                store: store(),
                categories: [category],
                from: async () => marker.position,
                handle: async () => {
                  throw failure;
                },
              }),
            ).rejects.toBe(failure),
          visibilityTimeoutMs,
        );
      });

      it('runCatchUp retries a failing batch until it succeeds, never skipping, and follows new appends', async () => {
        const category = categoryName();
        const marker = await store().appendToStream(`${category}-marker`, [newEvent('Marker')], { expectedRevision: 'no_stream' });
        const stream = `${category}-1`;
        await store().appendToStream(stream, [newEvent('A'), newEvent('B')], { expectedRevision: 'no_stream' });

        const handled: RecordedEvent[] = [];
        const errors: CatchUpErrorContext[] = [];
        let failuresLeft = 2;
        const controller = new AbortController();
        const running = runCatchUp({
          store: store(),
          categories: [category],
          from: async () => marker.position,
          batchSize: 10,
          idleWaitMs: 100,
          retryDelayMs: 10,
          signal: controller.signal,
          onError: (_error, context) => errors.push(context),
          handle: async (events) => {
            if (failuresLeft > 0) {
              failuresLeft -= 1;
              throw new Error('transient');
            }
            handled.push(...events);
          },
        });
        try {
          await eventually(() => expect(handled.map((e) => e.type)).toEqual(['A', 'B']), visibilityTimeoutMs);
          expect(errors.map((e) => [e.stage, e.attempt])).toEqual([
            ['handle', 1],
            ['handle', 2],
          ]);
          expect(errors[1]!.events.map((e) => e.type)).toEqual(errors[0]!.events.map((e) => e.type));

          await store().appendToStream(stream, [newEvent('C')], { expectedRevision: 1n });
          await eventually(() => expect(handled.map((e) => e.type)).toEqual(['A', 'B', 'C']), visibilityTimeoutMs);
        } finally {
          controller.abort();
          await running;
        }
      });
    });

    describe('concurrent appenders', () => {
      it(
        'a concurrent subscriber receives every event exactly once, in stream order and in position order',
        async () => {
          const category = categoryName();
          const marker = await store().appendToStream(`${category}-marker`, [newEvent('Marker')], { expectedRevision: 'no_stream' });
          const writers = 10;
          const appendsPerWriter = 50;
          const sharedStreams = [`${category}-shared-0`, `${category}-shared-1`];

          // Subscriber, running while the writers write, checkpointing in memory.
          const received: RecordedEvent[] = [];
          const subscriberErrors: unknown[] = [];
          let checkpoint: string | null = marker.position;
          const controller = new AbortController();
          const subscriber = runCatchUp({
            store: store(),
            categories: [category],
            from: async () => checkpoint,
            batchSize: 17,
            idleWaitMs: 100,
            retryDelayMs: 10,
            signal: controller.signal,
            onError: (error) => subscriberErrors.push(error),
            handle: async (events) => {
              received.push(...events);
              checkpoint = events[events.length - 1]!.position;
            },
          });

          const appended = new Map<string, { stream: string; lastOfAppend?: string }>();
          let conflicts = 0;
          const writer = async (w: number): Promise<void> => {
            const ownStream = `${category}-writer-${w}`;
            let ownRevision: ExpectedRevision = 'no_stream';
            const sharedRevision = new Map<string, ExpectedRevision>(sharedStreams.map((s) => [s, 'no_stream']));
            for (let i = 0; i < appendsPerWriter; i++) {
              const events = Array.from({ length: i % 3 === 0 ? 2 : 1 }, () => newEvent(`W${w}-${i}`, { w, i }));
              if (i % 2 === 0) {
                const result = await store().appendToStream(ownStream, events, { expectedRevision: ownRevision });
                ownRevision = result.nextExpectedRevision;
                record(ownStream, events, result);
                continue;
              }
              const shared = sharedStreams[(w + i) % sharedStreams.length]!;
              for (let attempt = 1; ; attempt++) {
                try {
                  const result = await store().appendToStream(shared, events, { expectedRevision: sharedRevision.get(shared)! });
                  sharedRevision.set(shared, result.nextExpectedRevision);
                  record(shared, events, result);
                  break;
                } catch (error) {
                  if (!(error instanceof WrongExpectedVersionError) || attempt >= 500) throw error;
                  conflicts += 1;
                  sharedRevision.set(shared, error.actual === 'no_stream' ? 'no_stream' : error.actual);
                }
              }
            }
          };
          const record = (stream: string, events: NewEvent[], result: AppendResult): void => {
            events.forEach((event, i) => appended.set(event.id, { stream, ...(i === events.length - 1 ? { lastOfAppend: result.position } : {}) }));
          };

          try {
            await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
            await eventually(() => expect(received.length).toBeGreaterThanOrEqual(appended.size), visibilityTimeoutMs);
          } finally {
            controller.abort();
            await subscriber;
          }

          expect(subscriberErrors).toEqual([]);
          expect(conflicts).toBeGreaterThan(0); // the shared streams really were contended
          // Exactly once: every appended event, nothing else, no duplicates.
          expect(received.length).toBe(appended.size);
          expect(new Set(received.map((e) => e.id)).size).toBe(received.length);
          for (const event of received) {
            const source = appended.get(event.id);
            expect(source?.stream).toBe(event.streamName);
            if (source?.lastOfAppend) expect(event.position).toBe(source.lastOfAppend);
          }
          // Global order consistent with positions.
          expectStrictlyIncreasing(received.map((e) => e.position));
          // Per-stream revision order: 0, 1, 2, … without gaps, and the same as readStream.
          const byStream = new Map<string, RecordedEvent[]>();
          for (const event of received) byStream.set(event.streamName, [...(byStream.get(event.streamName) ?? []), event]);
          expect(byStream.size).toBe(writers + sharedStreams.length);
          for (const [stream, events] of byStream) {
            expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => BigInt(i)));
            expect((await store().readStream(stream)).map(summary)).toEqual(events.map(summary));
          }
        },
        options.concurrencyTestTimeoutMs ?? 60_000,
      );
    });
  });
}

const randomSuffix = (): string => randomUUID().replace(/-/g, '').slice(0, 16);
/** A category of its own (no '-', which separates category and id). */
const categoryName = (): string => `contract${randomSuffix()}`;
const streamName = (): string => `${categoryName()}-${randomSuffix()}`;

function newEvent(type: string, data: unknown = { at: type }, metadata: Record<string, unknown> = { source: 'contract' }): NewEvent {
  return { id: randomUUID(), type, data, metadata };
}

function summary(event: RecordedEvent): [string, string, bigint, string] {
  return [event.id, event.streamName, event.revision, event.position];
}

function expectStrictlyIncreasing(positions: readonly string[]): void {
  const violations = positions.flatMap((position, i) => (i > 0 && !(positions[i - 1]! < position) ? [[positions[i - 1], position]] : []));
  expect(violations).toEqual([]);
}

/** The outcome of a promise, without throwing. */
async function settle<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, it resolved');
}

async function expectWrongExpectedVersion(
  promise: Promise<unknown>,
  expected: { streamName: string; expected: ExpectedRevision; actual: bigint | 'no_stream' },
): Promise<void> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(WrongExpectedVersionError);
  const { streamName, expected: expectedRevision, actual } = error as WrongExpectedVersionError;
  expect({ streamName, expected: expectedRevision, actual }).toEqual(expected);
}
