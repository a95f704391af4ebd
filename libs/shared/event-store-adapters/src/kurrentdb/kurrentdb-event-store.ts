import {
  ANY,
  BACKWARDS,
  END,
  ErrorType,
  FORWARDS,
  jsonEvent,
  KurrentDBClient,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  streamNameFilter,
  type AllStreamSubscription,
  type AppendStreamState,
  type EventData,
  type Position,
  type RecordedEvent as KurrentRecordedEvent,
} from '@kurrent/kurrentdb-client';
import {
  afterAppliedWrite,
  CategoryWaiters,
  streamCategory,
  EventStore,
  EventStoreUnavailableError,
  WrongExpectedVersionError,
  type AppendResult,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type RecordedEvent,
  type StreamAppend,
  writeOutcomeOf,
} from '@datamingle/event-store';
import { decodePosition, encodePosition } from '../postgres/position';
import { commitBearing, prepareAppend, prepareAppends, revisionMatches } from '@datamingle/event-store/adapter-support';
import { tracedAppend } from '../append-span';

export interface KurrentDbEventStoreOptions {
  /** `kurrentdb://host:2113?tls=false` (also `esdb://`, `kurrentdb+discover://` for clusters). */
  connectionString: string;
  /** Errors with no caller to throw to (the live subscription behind waitForEvents broke). */
  onBackgroundError?: (error: unknown) => void;
  /** Pause before the live subscription is re-opened after it broke (default 1000 ms). */
  resubscribeDelayMs?: number;
}

/**
 * multiStreamAppend carries metadata as flat string properties; the whole metadata object
 * travels as JSON under this one property and is unwrapped on read, so it reads back with its
 * types (numbers, nested objects) whichever API appended it.
 */
export const METADATA_PROPERTY = 'datamingle.metadata';

/** Streams of the application: every stream whose name does not start with '$' (system streams). */
const USER_STREAMS = '^[^$]';

/**
 * EventStore on EventStoreDB / KurrentDB (gRPC client `@kurrent/kurrentdb-client`).
 *
 * - Appends map the port's expected revisions to stream states; `appendToStreams` is KurrentDB's
 *   multi-stream append (atomic, server >= 25.1).
 * - Positions are the $all log position (commit, prepare), encoded like the PostgreSQL adapter's
 *   ("<20 digits>:<20 digits>"), so string order is log order and checkpoints (stored in
 *   PostgreSQL by the projections and relays) compare as strings.
 * - readAll reads $all forwards with a server-side stream-name filter (categories, or every
 *   non-system stream). $all is the log's order, so nothing can commit behind a position already
 *   read: no horizon is needed.
 * - waitForEvents is woken by one live $all subscription (from the end, non-system streams).
 *
 * - Write outcome (write-outcome.ts): a failed append is not applied only on a definitive server
 *   rejection (wrong expected version, not leader, access denied, size limits, deleted
 *   stream...), thrown as the port's error; any other failure throws WriteInDoubtError (cause:
 *   the port's error, e.g. EventStoreUnavailableError), because gRPC cannot tell "never sent"
 *   from "sent, reply lost": with KurrentDB down, writes answer 504 (check the record), not 503.
 *   A failure after the append returned (reading back the last event's position) throws
 *   WriteAppliedError.
 *
 * Event ids: EventStoreDB keeps event ids unique per stream only — re-appending events already in
 * their stream at the same expected revision is an idempotent success, not an error — and does
 * not check ids across streams. Ids within one append are checked here (DuplicateEventIdError).
 */
export class KurrentDbEventStore extends EventStore {
  private readonly client: KurrentDBClient;
  private readonly onBackgroundError: (error: unknown) => void;
  private readonly resubscribeDelayMs: number;
  private readonly waiters = new CategoryWaiters(false);
  private subscription: AllStreamSubscription | null = null;
  private resubscribeAt = 0;
  private closed: Promise<void> | null = null;

  constructor(options: KurrentDbEventStoreOptions) {
    super();
    this.client = KurrentDBClient.connectionString(options.connectionString);
    this.onBackgroundError = options.onBackgroundError ?? (() => {});
    this.resubscribeDelayMs = options.resubscribeDelayMs ?? 1000;
  }

  override async appendToStream(
    streamName: string,
    events: readonly NewEvent[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    prepareAppend(streamName, events, options.expectedRevision);
    if (events.length === 0) return this.checkRevision(streamName, options.expectedRevision);
    const data = events.map(toEventData); // built before the call: a failure here never reaches the server
    const result = await tracedAppend('kurrentdb', [streamName], events.length, () =>
      commitBearing(
        () => this.client.appendToStream(streamName, data, { streamState: toStreamState(options.expectedRevision) }),
        isDefinitiveAppendFailure,
        (error) => toPortError(error, streamName, options.expectedRevision),
      ),
    );
    // The events are stored: whatever fails from here on is "applied, then failed".
    return afterAppliedWrite(async () => {
      const position = result.position;
      if (!position) throw new Error(`KurrentDB returned no position for the append to '${streamName}'`);
      // The append's position is its single event's log position; for several events, read the
      // last one back so the result is that event's position exactly as readAll reports it.
      if (events.length > 1) {
        const [last] = await this.readStream(streamName, { fromRevision: result.nextExpectedRevision, maxCount: 1 });
        if (last) return { nextExpectedRevision: result.nextExpectedRevision, position: last.position };
      }
      return { nextExpectedRevision: result.nextExpectedRevision, position: encode(position) };
    });
  }

  override async appendToStreams(appends: readonly StreamAppend[]): Promise<Map<string, bigint>> {
    prepareAppends(appends);
    const result = new Map<string, bigint>();
    const nonEmpty = appends.filter((a) => a.events.length > 0);
    // Streams without events only check their revision (multi-stream append needs records).
    for (const a of appends) {
      if (a.events.length === 0) result.set(a.streamName, (await this.checkRevision(a.streamName, a.expectedRevision)).nextExpectedRevision);
    }
    if (nonEmpty.length === 0) return result;
    const toError = (error: unknown): unknown => {
      const streamName = (error as { streamName?: unknown }).streamName;
      const failed = nonEmpty.find((a) => a.streamName === streamName) ?? nonEmpty[0]!;
      return toPortError(error, failed.streamName, failed.expectedRevision);
    };
    const requests = nonEmpty.map((a) => ({
      streamName: a.streamName,
      expectedState: toStreamState(a.expectedRevision),
      events: a.events.map((e) => toEventData({ ...e, metadata: { [METADATA_PROPERTY]: JSON.stringify(e.metadata) } })),
    }));
    const count = nonEmpty.reduce((n, a) => n + a.events.length, 0);
    const appended = await tracedAppend('kurrentdb', nonEmpty.map((a) => a.streamName), count, () =>
      commitBearing(() => this.client.multiStreamAppend(requests), isDefinitiveAppendFailure, toError),
    );
    for (const r of appended.responses) result.set(r.streamName, r.revision);
    return result;
  }

  override async readStream(streamName: string, options: { fromRevision?: bigint; maxCount?: number } = {}): Promise<RecordedEvent[]> {
    const fromRevision = options.fromRevision ?? 0n;
    if (typeof fromRevision !== 'bigint' || fromRevision < 0n) throw new RangeError(`fromRevision must be a bigint >= 0n`);
    if (options.maxCount !== undefined) assertCount(options.maxCount, 'maxCount');
    if (options.maxCount === 0) return [];
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(streamName, {
        fromRevision: fromRevision === 0n ? START : fromRevision,
        direction: FORWARDS,
        ...(options.maxCount !== undefined ? { maxCount: options.maxCount } : {}),
      });
      for await (const resolved of read) {
        if (resolved.event) events.push(toRecordedEvent(resolved.event));
      }
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw toPortError(error, streamName);
    }
    return events;
  }

  override async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    assertCount(options.maxCount, 'maxCount');
    if (options.maxCount === 0 || options.categories?.length === 0) return [];
    const after = options.after ? decodeKurrentPosition(options.after) : null;
    const regex = readAllStreamFilter(options);
    const events: RecordedEvent[] = [];
    try {
      // A read from a position includes the event at it: read one more and drop what is not after `after`.
      const read = this.client.readAll({
        fromPosition: after ?? START,
        direction: FORWARDS,
        maxCount: options.maxCount + (after ? 1 : 0),
        filter: streamNameFilter({ regex }),
      });
      for await (const resolved of read) {
        const event = resolved.event;
        if (!event?.position || event.streamId.startsWith('$')) continue;
        if (after && comparePosition(event.position, after) <= 0) continue;
        const recorded = toRecordedEvent(event);
        if (options.tenantId !== undefined && recorded.metadata['tenant_id'] !== options.tenantId) continue;
        events.push(recorded);
        if (events.length === options.maxCount) break;
      }
    } catch (error) {
      throw toPortError(error, '$all');
    }
    return events;
  }

  override waitForEvents(timeoutMs: number, signal?: AbortSignal, categories?: readonly string[]): Promise<void> {
    if (this.closed || signal?.aborted) return Promise.resolve();
    this.ensureSubscription();
    return this.waiters.wait(timeoutMs, signal, categories);
  }

  override close(): Promise<void> {
    this.closed ??= (async () => {
      this.waiters.wakeAll();
      const subscription = this.subscription;
      this.subscription = null;
      await subscription?.unsubscribe().catch(() => {});
      await this.client.dispose();
    })();
    return this.closed;
  }

  /** Current revision of a stream and its last event's position (one backwards read). */
  private async currentState(streamName: string): Promise<{ revision: bigint | 'no_stream'; position: string }> {
    try {
      for await (const resolved of this.client.readStream(streamName, { fromRevision: END, direction: BACKWARDS, maxCount: 1 })) {
        if (resolved.event) return { revision: resolved.event.revision, position: toRecordedEvent(resolved.event).position };
      }
    } catch (error) {
      if (!isStreamNotFound(error)) throw toPortError(error, streamName);
    }
    return { revision: 'no_stream', position: encodePosition({ transactionId: 0n, globalPosition: 0n }) };
  }

  /** An append of no events: checks the expected revision, writes nothing. */
  private async checkRevision(streamName: string, expectedRevision: ExpectedRevision): Promise<AppendResult> {
    const { revision, position } = await this.currentState(streamName);
    if (!revisionMatches(expectedRevision, revision)) throw new WrongExpectedVersionError(streamName, expectedRevision, revision);
    return { nextExpectedRevision: revision === 'no_stream' ? -1n : revision, position };
  }

  /** Opens the live subscription that wakes waitForEvents (again after it broke, at most once per resubscribeDelayMs). */
  private ensureSubscription(): void {
    if (this.subscription || this.closed || Date.now() < this.resubscribeAt) return;
    const subscription = this.client.subscribeToAll({ fromPosition: END, filter: streamNameFilter({ regex: USER_STREAMS }) });
    this.subscription = subscription;
    // Each event wakes the waiters of its stream's category.
    const wake = (resolved: { event?: { streamId: string } }): void => {
      this.waiters.announce(resolved.event ? [streamCategory(resolved.event.streamId)] : null);
    };
    const dropped = (error?: unknown): void => {
      if (this.subscription !== subscription) return;
      this.subscription = null;
      this.resubscribeAt = Date.now() + this.resubscribeDelayMs;
      if (error !== undefined && !this.closed) this.onBackgroundError(error);
      void subscription.unsubscribe().catch(() => {});
    };
    subscription.on('data', wake);
    subscription.on('error', (error: unknown) => dropped(error));
    subscription.on('end', () => dropped());
    subscription.on('close', () => dropped());
  }
}

function toEventData(event: NewEvent): EventData {
  return jsonEvent({
    id: event.id.toLowerCase(),
    type: event.type,
    data: event.data as Parameters<typeof jsonEvent>[0]['data'],
    metadata: event.metadata,
  });
}

function toRecordedEvent(event: KurrentRecordedEvent): RecordedEvent {
  if (!event.position) throw new Error(`KurrentDB returned event ${event.id} without a log position (server older than 22.6?)`);
  return {
    id: event.id,
    type: event.type,
    data: event.isJson ? event.data : Buffer.from(event.data as Uint8Array).toString('base64'),
    metadata: unwrapMetadata(event.metadata),
    streamName: event.streamId,
    revision: event.revision,
    position: encode(event.position),
    recordedAt: event.created,
  };
}

/** Metadata as appended: objects as they are, the multi-stream append's wrapped JSON unwrapped. */
export function unwrapMetadata(metadata: unknown): Record<string, unknown> {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata) || metadata instanceof Uint8Array) return {};
  const wrapped = (metadata as Record<string, unknown>)[METADATA_PROPERTY];
  if (typeof wrapped === 'string') {
    try {
      const parsed: unknown = JSON.parse(wrapped);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // not ours: keep the metadata as it is
    }
  }
  return metadata as Record<string, unknown>;
}

function toStreamState(expected: ExpectedRevision): AppendStreamState {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream' || expected === -1n) return NO_STREAM;
  if (expected === 'stream_exists') return STREAM_EXISTS;
  return expected;
}

/** The KurrentDB log position as a port position; string order is log order. */
export function encode(position: Position): string {
  return encodePosition({ transactionId: position.commit, globalPosition: position.prepare });
}

export function decodeKurrentPosition(position: string): Position {
  const { transactionId, globalPosition } = decodePosition(position);
  return { commit: transactionId, prepare: globalPosition };
}

function comparePosition(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/**
 * The server-side stream-name filter of a `readAll`: the requested categories (a stream named like
 * the category, or `<category>-…`), one tenant's streams (`<category>-<tenant>-…`, the platform's
 * naming; the change feed), or every stream not starting with `$`.
 */
export function readAllStreamFilter(options: Pick<ReadAllOptions, 'categories' | 'tenantId'>): string {
  const categories = options.categories ? `(?:${options.categories.map(escapeRegex).join('|')})` : '[^$-][^-]*';
  if (options.tenantId !== undefined) return `^${categories}-${escapeRegex(options.tenantId)}-`;
  return options.categories ? `^${categories}(?:-|$)` : USER_STREAMS;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function assertCount(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer: ${value}`);
}

function errorType(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
}

function isStreamNotFound(error: unknown): boolean {
  return errorType(error) === ErrorType.STREAM_NOT_FOUND;
}

const UNAVAILABLE_TYPES = new Set<unknown>([ErrorType.UNAVAILABLE, ErrorType.DEADLINE_EXCEEDED, ErrorType.TIMEOUT, ErrorType.NOT_LEADER, ErrorType.CANCELLED]);

/** gRPC status codes of a raw client error that say the node was not reached: DEADLINE_EXCEEDED, UNAVAILABLE. */
const GRPC_UNAVAILABLE_CODES = new Set<unknown>([4, 14]);

/** What the client says when it could not reach a node, when it has no more specific error type. */
const CONNECTION_MESSAGE = /UNAVAILABLE|ECONNREFUSED|ECONNRESET|failed to connect|no connection established|deadline exceeded|transport/i;

/**
 * Answers of the server that reject an append without writing it. Everything else — UNAVAILABLE,
 * DEADLINE_EXCEEDED, TIMEOUT, CANCELLED, UNKNOWN, raw transport errors — is in doubt: over gRPC
 * the client cannot tell a call that never reached the leader from one whose reply was lost, so
 * an append that failed that way may have been written (WriteInDoubtError, write-outcome.ts).
 */
const DEFINITIVE_APPEND_FAILURES = new Set<unknown>([
  ErrorType.WRONG_EXPECTED_VERSION,
  ErrorType.NOT_LEADER,
  ErrorType.ACCESS_DENIED,
  ErrorType.INVALID_ARGUMENT,
  ErrorType.STREAM_DELETED,
  ErrorType.STREAM_TOMBSTONED,
  ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED,
  ErrorType.TRANSACTION_MAX_SIZE_EXCEEDED,
  ErrorType.APPEND_RECORD_SIZE_EXCEEDED,
  ErrorType.APPEND_CONSISTENCY_VIOLATION,
  ErrorType.MISSING_REQUIRED_METADATA_PROPERTY,
  ErrorType.UNSUPPORTED,
]);

/** True when a failed append certainly wrote nothing (see DEFINITIVE_APPEND_FAILURES). */
export function isDefinitiveAppendFailure(error: unknown): boolean {
  return DEFINITIVE_APPEND_FAILURES.has(errorType(error));
}

/** Maps client errors to the port's errors; anything else (e.g. a WriteInDoubtError) is returned unchanged. */
export function toPortError(error: unknown, streamName: string, expected?: ExpectedRevision): unknown {
  if (writeOutcomeOf(error) !== 'none') return error;
  const type = errorType(error);
  if (type === ErrorType.WRONG_EXPECTED_VERSION) {
    const e = error as { actualState?: unknown; expectedState?: unknown; streamName?: unknown };
    const actual = typeof e.actualState === 'bigint' ? e.actualState : 'no_stream';
    return new WrongExpectedVersionError(typeof e.streamName === 'string' ? e.streamName : streamName, expected ?? 'any', actual);
  }
  const message = String((error as { message?: unknown } | null)?.message ?? '');
  const grpcCode = (error as { code?: unknown } | null)?.code;
  if (
    UNAVAILABLE_TYPES.has(type) ||
    GRPC_UNAVAILABLE_CODES.has(grpcCode) ||
    ((type === undefined || type === ErrorType.UNKNOWN) && CONNECTION_MESSAGE.test(message))
  ) {
    return new EventStoreUnavailableError(`KurrentDB unavailable: ${message}`, error);
  }
  return error;
}
