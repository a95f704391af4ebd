import type { EventStore, RecordedEvent } from './port';

export interface CatchUpOptions {
  store: EventStore;
  /** Only these categories (see streamCategory); all streams when omitted. */
  categories?: readonly string[];
  /** The handler's persisted checkpoint (null: from the beginning). Called once, at start. */
  from: () => Promise<string | null>;
  /** Handles one batch in global order; persists its own checkpoint (the last event's position). */
  handle: (events: RecordedEvent[]) => Promise<void>;
  /** Events per readAll (default 100). */
  batchSize?: number;
}

export interface CatchUpErrorContext {
  /** What failed: loading the checkpoint, reading, or handling `events`. */
  stage: 'checkpoint' | 'read' | 'handle';
  /** Position the failed read or batch follows. */
  after: string | null;
  /** The batch the handler failed on ([] for other stages). */
  events: readonly RecordedEvent[];
  /** 1 for the first failure of this step, 2 for its first retry's failure, … */
  attempt: number;
}

export interface RunCatchUpOptions extends CatchUpOptions {
  /** Stops the loop; runCatchUp then resolves (after the batch being handled, if any, completes). */
  signal: AbortSignal;
  /** Longest wait for new events when caught up (default 1000 ms). */
  idleWaitMs?: number;
  /** Pause before retrying after an error (default 1000 ms). */
  retryDelayMs?: number;
  /** Told about every failure; the loop then pauses and retries the same step. */
  onError?: (error: unknown, context: CatchUpErrorContext) => void;
}

const DEFAULT_BATCH_SIZE = 100;
const DEFAULT_IDLE_WAIT_MS = 1000;
const DEFAULT_RETRY_DELAY_MS = 1000;
/** First re-poll delay after a wake-up that found nothing yet (doubles up to idleWaitMs). */
const SETTLE_POLL_MS = 20;

/**
 * Follows the store from the handler's checkpoint until `signal` aborts: reads batches with
 * readAll, hands each to `handle`, and when caught up waits with waitForEvents. A failed
 * batch is retried as is until it succeeds, so no event is ever skipped; a crash between
 * handling and checkpointing redelivers the batch (at least once). Never rejects.
 *
 * A wake-up can announce events readAll may not return yet (the PostgreSQL adapter holds
 * them back while an older transaction is open); the loop then re-polls at growing
 * intervals instead of sleeping a full idleWaitMs.
 */
export async function runCatchUp(options: RunCatchUpOptions): Promise<void> {
  const { store, signal } = options;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const idleWaitMs = options.idleWaitMs ?? DEFAULT_IDLE_WAIT_MS;
  const retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  assertBatchSize(batchSize);

  let after: string | null | undefined; // undefined until from() answered
  let failed: RecordedEvent[] | null = null; // batch to retry as is
  let attempt = 0;
  let waitMs = idleWaitMs;
  let wokeEarly = false;

  const fail = async (error: unknown, stage: CatchUpErrorContext['stage'], events: readonly RecordedEvent[]): Promise<void> => {
    attempt += 1;
    try {
      options.onError?.(error, { stage, after: after ?? null, events, attempt });
    } catch {
      // a failing error reporter must not stop the loop
    }
    await delay(retryDelayMs, signal);
  };

  while (!signal.aborted) {
    if (after === undefined) {
      try {
        after = await options.from();
        attempt = 0;
      } catch (error) {
        await fail(error, 'checkpoint', []);
      }
      continue;
    }

    let batch: RecordedEvent[] | null = failed;
    if (!batch) {
      try {
        batch = await store.readAll({ after, maxCount: batchSize, categories: options.categories });
        attempt = 0;
      } catch (error) {
        await fail(error, 'read', []);
        continue;
      }
    }

    if (batch.length === 0) {
      // Nothing after a wake-up that was not a timeout: events may be held back, re-poll soon.
      waitMs = wokeEarly ? Math.min(SETTLE_POLL_MS, idleWaitMs) : Math.min(waitMs * 2, idleWaitMs);
      const started = performance.now();
      await store.waitForEvents(waitMs, signal, options.categories);
      wokeEarly = !signal.aborted && performance.now() - started < waitMs - 1;
      continue;
    }

    try {
      await options.handle(batch);
    } catch (error) {
      failed = batch;
      await fail(error, 'handle', batch);
      continue;
    }
    failed = null;
    attempt = 0;
    after = batch[batch.length - 1]!.position;
    waitMs = idleWaitMs;
    wokeEarly = false;
  }
}

export interface CatchUpOnceResult {
  /** Position of the last handled event (the `from()` checkpoint if there was nothing new). */
  position: string | null;
  /** Number of events handled. */
  handled: number;
}

/**
 * Handles everything after the checkpoint that readAll returns now, then resolves: for
 * tests, rebuilds and one-shot catch-ups. Errors (checkpoint, read, handler) reject at once;
 * nothing is retried, and batches handled before the failure stay handled.
 */
export async function catchUpOnce(options: CatchUpOptions & { signal?: AbortSignal }): Promise<CatchUpOnceResult> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  assertBatchSize(batchSize);
  let position = await options.from();
  let handled = 0;
  while (!options.signal?.aborted) {
    const batch = await options.store.readAll({ after: position, maxCount: batchSize, categories: options.categories });
    if (batch.length === 0) break;
    await options.handle(batch);
    position = batch[batch.length - 1]!.position;
    handled += batch.length;
  }
  return { position, handled };
}

function assertBatchSize(batchSize: number): void {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer: ${batchSize}`);
}

/** Resolves after `ms`, or at once when `signal` aborts; leaves no timer or listener behind. */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
