/**
 * An EventStore held in memory, for unit tests of handlers (no database). TEST SUPPORT ONLY — not
 * a production adapter: nothing is persisted, nothing is shared between processes, and there is
 * no in-transaction appender (`inTransactionAppender()` returns null, as for KurrentDB).
 * It passes the same contract suite as the PostgreSQL and KurrentDB adapters
 * (in-memory-event-store.unit.spec.ts), with event ids unique across the whole store (the
 * suite's default, as in PostgreSQL).
 *
 * Every append is checked and applied synchronously (no await between the checks and the
 * writes), so appends are atomic and serialized. Data and metadata are stored as JSON text and
 * parsed on every read, as a database would: callers can neither share nor mutate stored values.
 * Positions are the 1-based global sequence number as 20 zero-padded digits, so that they
 * compare as plain strings in storage (= readAll) order, as the port requires.
 */
import {
  DuplicateEventIdError,
  EventStore,
  EventStoreUnavailableError,
  streamCategory,
  WrongExpectedVersionError,
  type AppendResult,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type RecordedEvent,
  type StreamAppend,
} from '../port';
import { prepareAppend, prepareAppends, revisionMatches, type PreparedEvents } from '../append-validation';
import { CategoryWaiters } from '../category-waiters';

interface StoredEvent {
  id: string;
  type: string;
  data: string;
  metadata: string;
  streamName: string;
  category: string;
  revision: bigint;
  position: string;
  recordedAt: number;
}

interface PreparedEvent {
  id: string;
  type: string;
  data: string;
  metadata: string;
}

const POSITION_DIGITS = 20;
/** Before every event: the position a stream that has no events reports. */
const START_POSITION = encodePosition(0n);

export class InMemoryEventStore extends EventStore {
  /** All events in global (storage) order; events[i] has position i + 1. */
  private readonly events: StoredEvent[] = [];
  /** Per stream: indexes into `events`, in revision order. */
  private readonly streams = new Map<string, number[]>();
  private readonly ids = new Set<string>();
  private readonly waiters = new CategoryWaiters(false);
  private closed = false;

  override async appendToStream(
    streamName: string,
    events: readonly NewEvent[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    this.assertOpen();
    const prepared = eventsOf(prepareAppend(streamName, events, options.expectedRevision));
    this.checkRevision(streamName, options.expectedRevision);
    this.checkIdsUnused(streamName, prepared);
    const result = this.write(streamName, prepared);
    this.wake(prepared.length > 0 ? [streamName] : []);
    return result;
  }

  override async appendToStreams(appends: readonly StreamAppend[]): Promise<Map<string, bigint>> {
    this.assertOpen();
    const prepared = prepareAppends(appends).map(eventsOf);
    // Every check before any write: all streams' events or none.
    appends.forEach((a, i) => {
      this.checkRevision(a.streamName, a.expectedRevision);
      this.checkIdsUnused(a.streamName, prepared[i]!);
    });
    const result = new Map<string, bigint>();
    appends.forEach((a, i) => result.set(a.streamName, this.write(a.streamName, prepared[i]!).nextExpectedRevision));
    this.wake(appends.filter((_, i) => prepared[i]!.length > 0).map((a) => a.streamName));
    return result;
  }

  override async readStream(streamName: string, options: { fromRevision?: bigint; maxCount?: number } = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const fromRevision = options.fromRevision ?? 0n;
    if (typeof fromRevision !== 'bigint' || fromRevision < 0n) throw new RangeError('fromRevision must be a bigint >= 0n');
    if (options.maxCount !== undefined) assertCount(options.maxCount, 'maxCount');
    const indexes = this.streams.get(streamName) ?? [];
    const from = fromRevision > BigInt(indexes.length) ? indexes.length : Number(fromRevision);
    const to = options.maxCount === undefined ? indexes.length : Math.min(indexes.length, from + options.maxCount);
    return indexes.slice(from, to).map((i) => toRecordedEvent(this.events[i]!));
  }

  override async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    assertCount(options.maxCount, 'maxCount');
    const after = options.after ?? START_POSITION;
    if (typeof after !== 'string') throw new TypeError('after must be a position string, null or undefined');
    const categories = options.categories ? new Set(options.categories) : null;
    const result: RecordedEvent[] = [];
    if (options.maxCount === 0 || categories?.size === 0) return result;
    for (let i = this.firstIndexAfter(after); i < this.events.length && result.length < options.maxCount; i++) {
      const event = this.events[i]!;
      if (categories && !categories.has(event.category)) continue;
      const recorded = toRecordedEvent(event);
      if (options.tenantId !== undefined && recorded.metadata['tenant_id'] !== options.tenantId) continue;
      result.push(recorded);
    }
    return result;
  }

  /** Resolves at the next append to one of `categories` (any, when omitted), after `timeoutMs`, when `signal` aborts, or at close(); never rejects. */
  override waitForEvents(timeoutMs: number, signal?: AbortSignal, categories?: readonly string[]): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.waiters.wait(timeoutMs, signal, categories);
  }

  override async close(): Promise<void> {
    this.closed = true;
    this.waiters.wakeAll();
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreUnavailableError('The in-memory event store is closed');
  }

  private currentRevision(streamName: string): bigint | 'no_stream' {
    const indexes = this.streams.get(streamName);
    return indexes && indexes.length > 0 ? BigInt(indexes.length - 1) : 'no_stream';
  }

  private checkRevision(streamName: string, expected: ExpectedRevision): void {
    const actual = this.currentRevision(streamName);
    const matches = revisionMatches(expected, actual);
    if (!matches) throw new WrongExpectedVersionError(streamName, expected, actual);
  }

  private checkIdsUnused(streamName: string, events: readonly PreparedEvent[]): void {
    const taken = events.find((e) => this.ids.has(e.id));
    if (taken) throw new DuplicateEventIdError(streamName, taken.id);
  }

  /** Appends checked events (no checks here). With no events: the stream's current revision and position. */
  private write(streamName: string, events: readonly PreparedEvent[]): AppendResult {
    const indexes = this.streams.get(streamName) ?? [];
    if (events.length === 0) {
      const last = indexes[indexes.length - 1];
      return { nextExpectedRevision: BigInt(indexes.length - 1), position: last === undefined ? START_POSITION : this.events[last]!.position };
    }
    this.streams.set(streamName, indexes);
    const recordedAt = Date.now();
    const category = streamCategory(streamName);
    for (const event of events) {
      const index = this.events.length;
      this.events.push({ ...event, streamName, category, revision: BigInt(indexes.length), position: encodePosition(BigInt(index + 1)), recordedAt });
      indexes.push(index);
      this.ids.add(event.id);
    }
    return { nextExpectedRevision: BigInt(indexes.length - 1), position: this.events[this.events.length - 1]!.position };
  }

  /** Index of the first event whose position is greater than `after` (positions are sorted as strings). */
  private firstIndexAfter(after: string): number {
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.events[mid]!.position > after) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  /** Wakes the waiters of the categories of the streams that got events. */
  private wake(streamNames: readonly string[]): void {
    if (streamNames.length === 0) return;
    this.waiters.announce([...new Set(streamNames.map(streamCategory))]);
  }
}

/** The adapters' column-wise prepared events as one object per event. */
function eventsOf(prepared: PreparedEvents): PreparedEvent[] {
  return prepared.ids.map((id, i) => ({ id, type: prepared.types[i]!, data: prepared.data[i]!, metadata: prepared.metadata[i]! }));
}

function toRecordedEvent(event: StoredEvent): RecordedEvent {
  return {
    id: event.id,
    type: event.type,
    data: JSON.parse(event.data) as unknown,
    metadata: JSON.parse(event.metadata) as Record<string, unknown>,
    streamName: event.streamName,
    revision: event.revision,
    position: event.position,
    recordedAt: new Date(event.recordedAt),
  };
}

function encodePosition(sequence: bigint): string {
  return sequence.toString().padStart(POSITION_DIGITS, '0');
}

function assertCount(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer: ${value}`);
}
