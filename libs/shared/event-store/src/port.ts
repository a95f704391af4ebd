/**
 * The event-store port. Adapters (@datamingle/event-store-adapters): PostgreSQL (embedded default)
 * and EventStoreDB/KurrentDB.
 * Both must pass the same contract suite (./testing-support/event-store-contract.ts).
 *
 * Stream revisions are 0-based (first event of a stream has revision 0n), as in EventStoreDB.
 * Aggregate versions (events.md) are revision + 1.
 *
 * Write outcome (write-outcome.ts): when a commit-bearing write (the statement or call whose
 * success means the events are stored) fails without proof that nothing was stored, adapters
 * throw WriteInDoubtError (its cause: the error they would otherwise throw), so the request
 * answers 504 (may be applied) instead of 503 (nothing applied). Definitive failures (wrong
 * expected version, duplicate event id, a rejection by the server) are thrown as they are.
 */
export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | bigint;

export interface NewEvent {
  /** Unique event id (UUID). Appending an id that already exists in the store fails. */
  id: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
}

export interface RecordedEvent {
  id: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  streamName: string;
  revision: bigint;
  /**
   * Global position, usable as a checkpoint: readAll({ after: position }) continues after this event.
   * Otherwise opaque, except that positions compare as plain strings in global order
   * (`a < b` means a's event comes first in readAll), so checkpoints can be compared.
   */
  position: string;
  recordedAt: Date;
}

export interface AppendResult {
  /** Revision of the last appended event: the expected revision for the next append. */
  nextExpectedRevision: bigint;
  /** Global position of the last appended event. */
  position: string;
}

export class WrongExpectedVersionError extends Error {
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint | 'no_stream',
  ) {
    super(`Wrong expected version on stream '${streamName}': expected ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedVersionError';
  }
}

/** The store could not be reached or failed in a way that says nothing about the request. */
export class EventStoreUnavailableError extends Error {
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'EventStoreUnavailableError';
  }
}

/** An appended event's id is already used by an event in the store (or twice in the same append). Nothing was appended. */
export class DuplicateEventIdError extends Error {
  constructor(
    readonly streamName: string,
    /** The duplicate id, when the store reports it. */
    readonly eventId?: string,
  ) {
    super(`Duplicate event id${eventId ? ` '${eventId}'` : ''} in append to stream '${streamName}'`);
    this.name = 'DuplicateEventIdError';
  }
}

/** One stream's part of an appendToStreams call. */
export interface StreamAppend {
  streamName: string;
  events: readonly NewEvent[];
  expectedRevision: ExpectedRevision;
}

export interface ReadAllOptions {
  /** Continue after this position (exclusive); null/undefined = from the beginning. */
  after?: string | null;
  maxCount: number;
  /** Only streams whose category (text before the first '-') is one of these. */
  categories?: readonly string[];
  /**
   * Only one tenant's events (the change feed, history-feed-idempotency.md §2): events whose
   * metadata `tenant_id` is this value, in streams named `<category>-<tenantId>-…` (the platform's
   * stream naming; events.md metadata). Adapters serve it without reading other tenants' events
   * where they can: PostgreSQL by an index on (tenant, global order); KurrentDB by a server-side
   * stream-name filter of `$all` (which the server evaluates while reading the log).
   */
  tenantId?: string;
  /**
   * Only events of these categories need their `data`: an adapter may answer the others with
   * `data: null` (PostgreSQL does, to spare reading and parsing payloads a reader does not use —
   * the change feed needs only inventory's). Absent: every event with its data.
   */
  dataCategories?: readonly string[];
}

/** One stream's part of an in-transaction multi-stream append (expected revision 'any'). */
export interface StreamAppendInTransaction {
  streamName: string;
  events: readonly NewEvent[];
}

/**
 * Capability of adapters whose store lives in a database the caller also writes to (PostgreSQL):
 * appends inside a transaction the caller holds open on one of its own connections, so that the
 * events and the caller's other writes of that transaction commit together (the caller commits;
 * readers see the events only then). `Connection` is the adapter's connection type — opaque to
 * the port, so that the port stays driver-free; pass a connection of that adapter's database with
 * a transaction open on it. The adapter documents how such a transaction must be committed so
 * that a COMMIT whose result is lost is reported in doubt (write-outcome.ts).
 * Obtained with {@link EventStore.inTransactionAppender}.
 */
export interface InTransactionAppender<Connection extends object = object> {
  /**
   * appendToStream inside the caller's open transaction on `connection`, under a savepoint: on
   * failure nothing of the append remains and the caller's transaction stays usable.
   */
  appendToStreamInTransaction(
    connection: Connection,
    streamName: string,
    events: readonly NewEvent[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult>;

  /**
   * Appends to many streams inside the caller's open transaction on `connection`, each with
   * expected revision 'any' (for bulk writers that serialize writes per stream themselves). With
   * `versionMetadataKey`, every event's metadata gets that key set to its aggregate version
   * (stream revision + 1). Returns each stream's first and last new revision.
   */
  appendToStreamsInTransaction(
    connection: Connection,
    appends: readonly StreamAppendInTransaction[],
    options?: { versionMetadataKey?: string },
  ): Promise<Map<string, { firstRevision: bigint; lastRevision: bigint }>>;
}

export abstract class EventStore {
  /**
   * The in-transaction append, when this adapter offers it (PostgreSQL: appends join a transaction
   * on a connection of the same database); null otherwise (EventStoreDB/KurrentDB). Callers branch
   * on this capability, never on the adapter's class.
   */
  inTransactionAppender(): InTransactionAppender | null {
    return null;
  }


  /**
   * Appends atomically: all events or none. Fails with WrongExpectedVersionError when the
   * stream's current revision does not match `expectedRevision`, with DuplicateEventIdError
   * when an event id is already in the store. Appending no events only checks `expectedRevision`.
   */
  abstract appendToStream(
    streamName: string,
    events: readonly NewEvent[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult>;

  /**
   * Appends to several streams atomically: every stream's events or none of them. Fails with
   * WrongExpectedVersionError when any stream's revision does not match its expected revision
   * (nothing is appended then), with TypeError when a stream appears twice. Returns each
   * stream's next expected revision. (EventStoreDB: multi-stream append, KurrentDB >= 25.1.)
   */
  abstract appendToStreams(appends: readonly StreamAppend[]): Promise<Map<string, bigint>>;

  /** Events of one stream in revision order, from `fromRevision` (inclusive). [] if the stream does not exist. */
  abstract readStream(streamName: string, options?: { fromRevision?: bigint; maxCount?: number }): Promise<RecordedEvent[]>;

  /**
   * Events of all streams in global order, after `after`. Never returns an event while an
   * event that will end up before it in this order can still commit: a reader that
   * checkpoints the last position it processed never skips a late-committing event.
   */
  abstract readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;

  /**
   * Resolves when new events may be available (or after `timeoutMs`), so catch-up readers
   * need not poll tightly. With `categories`, only appends to streams of those categories wake
   * it (a reader of `orders` sleeps through `products` appends); wake-ups can still be spurious.
   * Adapters without notifications simply wait for the timeout.
   */
  abstract waitForEvents(timeoutMs: number, signal?: AbortSignal, categories?: readonly string[]): Promise<void>;

  abstract close(): Promise<void>;
}

/** Category of a stream name: the text before the first '-'. */
export function streamCategory(streamName: string): string {
  const i = streamName.indexOf('-');
  return i < 0 ? streamName : streamName.slice(0, i);
}
