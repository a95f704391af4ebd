import type { IntegrationLogEntry, IntegrationLogSink, LoggedPayload } from '@datamingle/gateway-domain';
import { isUnavailable, outsideTrace } from '@datamingle/platform';

/** The store method the writer writes through (IntegrationLogStore implements it): one statement per call, all or none. */
export interface IntegrationLogBatchStore {
  insertIntegrationLogs(entries: readonly IntegrationLogEntry[]): Promise<void>;
}

/** Why entries were not written. */
export type IntegrationLogDropReason = 'budget' | 'rejected' | 'shutdown';

/** What the writer tells the gateway's metrics. */
export interface IntegrationLogWriterObserver {
  written(entries: number, seconds: number): void;
  failed(): void;
  dropped(reason: IntegrationLogDropReason, entries: number): void;
}

export interface IntegrationLogWriterOptions {
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
  /** Queued entries are written at least this often (ms). Visible within 5 s (integration-logs.md §1): well under it. */
  flushIntervalMs?: number;
  /** Most entries one INSERT carries (default 100: preparing a batch holds the event loop, ~1.2 ms per 100)... */
  batchMaxEntries?: number;
  /** ...and most bytes of payload text (at least one entry per batch, whatever its size). */
  batchMaxBytes?: number;
  /** Most bytes of entries held in memory (queued and being written); past it a new entry is dropped and counted. */
  maxBufferedBytes?: number;
  /** First wait after a failed write (ms), doubled per consecutive failure up to retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /**
   * Tries of a batch that fails for a reason other than an unavailable database (bad data) before
   * it is written entry by entry; an entry that still fails that often alone is dropped ('rejected').
   * A batch failing because the database is unavailable is retried for as long as it takes.
   */
  maxDataAttempts?: number;
  /** Longest wait of stop() for the final writes (ms); what is left then is dropped ('shutdown'). */
  stopTimeoutMs?: number;
  observer?: IntegrationLogWriterObserver;
}

interface WriterLogger {
  warn(msg: string, fields?: Record<string, unknown>): void;
}

interface Queued {
  entry: IntegrationLogEntry;
  bytes: number;
  /** When record() took it (ms). */
  at: number;
}

/** What the writer has done since it started (for logs, tests and the metrics). */
export interface IntegrationLogWriterStats {
  recorded: number;
  written: number;
  dropped: Record<IntegrationLogDropReason, number>;
  failures: number;
  queued: number;
  bufferedBytes: number;
}

/** An entry holding more than this (payload text included) is written in a batch of its own. */
export const LARGE_ENTRY_BYTES = 65_536;

/** Bytes an entry holds beside its payloads (ids, names, path...): counted once per entry. */
const ENTRY_OVERHEAD_BYTES = 1_024;

function payloadChars(p: LoggedPayload | null): number {
  if (p === null || typeof p !== 'object') return 0;
  const v = Object.values(p)[0];
  return typeof v === 'string' ? v.length : 0;
}

/** The memory an entry holds, counted in UTF-16 units of its strings (≤ 1 MiB of text per payload, shortened by the pipeline). */
export function entryBytes(e: IntegrationLogEntry): number {
  return (
    ENTRY_OVERHEAD_BYTES +
    payloadChars(e.rawPayload) +
    payloadChars(e.mappedPayload) +
    payloadChars(e.responseBody) +
    (e.path?.length ?? 0) +
    (e.queryString?.length ?? 0) +
    (e.errorMessage?.length ?? 0) +
    (e.identifier?.length ?? 0)
  );
}

/**
 * The integration log's writer (integration-logs.md §1): `record()` only queues the entry (never
 * waits, never throws); a background loop writes the queue in batches, one INSERT at a time, at
 * least every `flushIntervalMs` (250 ms) and as soon as a batch (100 entries) is full.
 *
 * - **Retries.** A failed write keeps its batch at the head of the queue and is tried again after
 *   a backoff (250 ms doubling to 10 s): entries stay in order and nothing is lost while the
 *   database is away. A batch refused for its data (not for an unavailable database) is, after
 *   `maxDataAttempts`, written entry by entry so that one bad entry cannot block the rest; an
 *   entry refused alone that often is dropped ('rejected', with a warn log that names no payload).
 * - **Bounded memory.** Entries held (queued and in flight) count their payload text; past
 *   `maxBufferedBytes` (64 MiB) a new entry is dropped ('budget') — the oldest are kept, in order,
 *   so a database outage loses its most recent entries rather than leaving holes. Drops are
 *   counted (metrics) and logged at most once per flush.
 * - **Shutdown.** `stop()` writes what is held (retrying until `stopTimeoutMs`), then drops the
 *   rest ('shutdown') with a warn log.
 */
export class IntegrationLogWriter implements IntegrationLogSink {
  private readonly now: () => number;
  private readonly flushIntervalMs: number;
  /** Entries taken off the queue since the start (written, or dropped as refused). */
  private removed = 0;
  private readonly batchMaxEntries: number;
  private readonly batchMaxBytes: number;
  private readonly maxBufferedBytes: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly maxDataAttempts: number;
  private readonly stopTimeoutMs: number;
  private readonly observer: IntegrationLogWriterObserver | undefined;

  private queue: Queued[] = [];
  private bufferedBytes = 0;
  /** Entries still to be written one by one (after a batch was refused for its data). */
  private singles = 0;
  /** Consecutive failures of the head batch. */
  private attempts = 0;
  private retryAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private droppedUnlogged: Partial<Record<IntegrationLogDropReason, number>> = {};
  private readonly counts = { recorded: 0, written: 0, failures: 0, dropped: { budget: 0, rejected: 0, shutdown: 0 } };

  constructor(
    private readonly store: IntegrationLogBatchStore,
    private readonly logger: WriterLogger,
    options: IntegrationLogWriterOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.flushIntervalMs = options.flushIntervalMs ?? 250;
    this.batchMaxEntries = options.batchMaxEntries ?? 100;
    this.batchMaxBytes = options.batchMaxBytes ?? 4 * 1_048_576;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 64 * 1_048_576;
    this.retryBaseMs = options.retryBaseMs ?? 250;
    this.retryMaxMs = options.retryMaxMs ?? 10_000;
    this.maxDataAttempts = options.maxDataAttempts ?? 3;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
    this.observer = options.observer;
  }

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.kick(), this.flushIntervalMs);
    this.timer.unref();
  }

  /** Takes one entry. Never throws and never waits: the write happens later, in the background. */
  record(entry: IntegrationLogEntry): void {
    try {
      this.counts.recorded++;
      if (this.stopped) return this.drop('shutdown', 1);
      const bytes = entryBytes(entry);
      if (this.bufferedBytes + bytes > this.maxBufferedBytes) return this.drop('budget', 1);
      this.queue.push({ entry, bytes, at: this.now() });
      this.bufferedBytes += bytes;
      if ((this.queue.length >= this.batchMaxEntries || this.bufferedBytes >= this.batchMaxBytes) && this.now() >= this.retryAt) this.kick();
    } catch {
      // Recording must never disturb the request.
    }
  }

  /** Writes what is queued now (after the write under way, if any); resolves when done or failed. Never rejects. */
  async flush(): Promise<void> {
    this.retryAt = 0;
    this.kick();
    while (this.running) await this.running;
  }

  /** Stops the timer and writes everything held, for at most stopTimeoutMs. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const deadline = this.now() + this.stopTimeoutMs;
    while (this.running) await this.running;
    while (this.queue.length > 0 && this.now() < deadline) {
      const failed = await this.writeOne();
      if (failed) await sleep(Math.min(this.backoff(), Math.max(0, deadline - this.now())));
    }
    if (this.queue.length > 0) {
      const left = this.queue.length;
      this.queue = [];
      this.bufferedBytes = 0;
      this.drop('shutdown', left);
    }
    this.logDrops();
  }

  stats(): IntegrationLogWriterStats {
    return { ...this.counts, dropped: { ...this.counts.dropped }, queued: this.queue.length, bufferedBytes: this.bufferedBytes };
  }

  /** Age of the oldest entry not yet written (ms), 0 when none waits: the log's lag. */
  lagMs(): number {
    return this.queue.length === 0 ? 0 : Math.max(0, this.now() - this.queue[0]!.at);
  }

  private drop(reason: IntegrationLogDropReason, n: number): void {
    this.counts.dropped[reason] += n;
    this.droppedUnlogged[reason] = (this.droppedUnlogged[reason] ?? 0) + n;
    try {
      this.observer?.dropped(reason, n);
    } catch {
      // metrics never disturb
    }
  }

  private logDrops(): void {
    if (Object.keys(this.droppedUnlogged).length === 0) return;
    this.logger.warn('integration log entries dropped', { dropped: this.droppedUnlogged, dropped_total: this.counts.dropped });
    this.droppedUnlogged = {};
  }

  private backoff(): number {
    return Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** Math.max(0, this.attempts - 1));
  }

  private kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.queue.length === 0 || this.now() < this.retryAt) return;
    // A write a request triggers (a full batch) is not part of that request's trace.
    this.running = outsideTrace(async () => {
      try {
        do {
          this.again = false;
          // A round writes the entries queued when it began, then goes on only while a full
          // batch waits: entries arriving during a write wait for the next tick (or a full batch)
          // rather than following it at once in a batch of their own. Back-to-back small batches
          // made one INSERT per ~30 entries at 3,000 req/s instead of one per 500
          // (docs/benchmarks.md, "The hot paths against bare baselines").
          const due = this.removed + this.queue.length;
          while (this.queue.length > 0 && !this.stopped && (this.removed < due || this.fullBatchWaiting())) {
            if (await this.writeOne()) break;
          }
        } while (this.again && !this.stopped && this.queue.length > 0 && this.now() >= this.retryAt);
      } catch (error) {
        this.logger.warn('integration log flush failed', { error: error instanceof Error ? error.message : String(error) });
      } finally {
        this.logDrops();
        this.running = null;
      }
    });
  }

  /** Writes the head batch. Resolves true when it failed (the batch stays queued). */
  private async writeOne(): Promise<boolean> {
    let count = 0;
    let bytes = 0;
    // An entry with large payloads goes alone (the store then sends each payload as its own
    // parameter instead of encoding it into an array: see INSERT_ONE in integration-log-store.ts).
    const limit = this.singles > 0 || this.queue[0]!.bytes > LARGE_ENTRY_BYTES ? 1 : this.batchMaxEntries;
    while (
      count < this.queue.length &&
      count < limit &&
      (count === 0 || (bytes + this.queue[count]!.bytes <= this.batchMaxBytes && this.queue[count]!.bytes <= LARGE_ENTRY_BYTES))
    ) {
      bytes += this.queue[count]!.bytes;
      count++;
    }
    const batch = this.queue.slice(0, count);
    const started = process.hrtime.bigint();
    try {
      await this.store.insertIntegrationLogs(batch.map((q) => q.entry));
    } catch (error) {
      this.counts.failures++;
      this.attempts++;
      try {
        this.observer?.failed();
      } catch {
        // metrics never disturb
      }
      const unavailable = isUnavailable(error);
      if (!unavailable && this.attempts >= this.maxDataAttempts) {
        if (count > 1) {
          // One entry (or more) is refused: find it by writing the batch entry by entry.
          this.singles = count;
          this.attempts = 0;
        } else {
          this.remove(1);
          if (this.singles > 0) this.singles--;
          this.attempts = 0;
          this.drop('rejected', 1);
          this.logger.warn('integration log entry refused by the database; dropped', {
            request_id: batch[0]?.entry.requestId,
            error: error instanceof Error ? error.message.slice(0, 300) : String(error),
          });
          return false;
        }
      } else if (this.attempts === 1 || this.attempts % 10 === 0) {
        this.logger.warn('could not write integration log entries; retrying', {
          entries: count,
          attempts: this.attempts,
          error: error instanceof Error ? error.message.slice(0, 300) : String(error),
        });
      }
      this.retryAt = this.now() + this.backoff();
      return true;
    }
    this.remove(count);
    if (this.singles > 0) this.singles = Math.max(0, this.singles - count);
    this.attempts = 0;
    this.retryAt = 0;
    this.counts.written += count;
    try {
      this.observer?.written(count, Number(process.hrtime.bigint() - started) / 1e9);
    } catch {
      // metrics never disturb
    }
    return false;
  }

  private fullBatchWaiting(): boolean {
    return this.queue.length >= this.batchMaxEntries || this.bufferedBytes >= this.batchMaxBytes;
  }

  private remove(count: number): void {
    this.removed += count;
    const gone = this.queue.splice(0, count);
    for (const q of gone) this.bufferedBytes -= q.bytes;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
