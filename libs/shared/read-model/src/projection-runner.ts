import type { EventEmitter } from 'node:events';
import type { DataSource, QueryRunner } from 'typeorm';
import { catchUpOnce, runCatchUp, type EventStore, type RecordedEvent } from '@datamingle/event-store';
import { inTransaction } from './data-source';
import type { CatchUpProjection } from './document-projection';

export interface ProjectionRunnerLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** What a runner reports for metrics (see ProjectionRunner.status). */
export interface ProjectionRunnerStatus {
  /** The projection's (or relay's) name. */
  projection: string;
  /** Whether this process holds the projection's lease (runs it) now. */
  leaseHeld: boolean;
  /** Events this runner has handled (committed with their checkpoint) since the process started. */
  eventsHandled: number;
  /**
   * Seconds the projection is behind, as seen by the lease holder: 0 when the last read of the
   * event store returned nothing (caught up); while a batch is read but not yet committed (being
   * handled or retried), now − recordedAt of its first event; between a committed batch and the
   * next read, now − recordedAt of the batch's last event. 0 without the lease (another replica
   * runs the projection) and before the first read.
   */
  lagSeconds: number;
}

/**
 * Keeps a document projection up to date from the event store's global order (the catch-up
 * subscription). The read-model change and the checkpoint commit in one transaction. Only one
 * process runs it at a time: it holds a PostgreSQL advisory lock (the lease) on a dedicated
 * connection; another replica takes over when that connection goes away.
 */
export class ProjectionRunner {
  private abort = new AbortController();
  private running: Promise<void> | null = null;
  private leaseHolder: QueryRunner | null = null;
  /** The current lease's signal while this process holds it. */
  private leaseSignal: AbortSignal | null = null;
  private eventsHandled = 0;
  /** The last read returned nothing. */
  private caughtUp = false;
  /** recordedAt of the first event read and not yet committed. */
  private pendingSince: Date | null = null;
  /** recordedAt of the last committed event. */
  private lastHandledAt: Date | null = null;

  constructor(
    private readonly ds: DataSource,
    private readonly store: EventStore,
    private readonly projection: CatchUpProjection,
    private readonly logger: ProjectionRunnerLogger,
    private readonly options: { leaseRetryMs?: number; leaseHeartbeatMs?: number; batchSize?: number; coalesceMs?: number } = {},
  ) {}

  start(): void {
    if (this.running) return;
    this.abort = new AbortController();
    this.running = this.loop(this.abort.signal).catch((error) => {
      this.logger.error('projection runner stopped', { projection: this.projection.spec.name, error });
    });
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    this.running = null;
  }

  /** Lease, events handled and lag, for metrics (cheap: no I/O). */
  status(now: number = Date.now()): ProjectionRunnerStatus {
    const leaseHeld = this.leaseSignal !== null && !this.leaseSignal.aborted;
    let lagSeconds = 0;
    if (leaseHeld && !this.caughtUp) {
      const behind = this.pendingSince ?? this.lastHandledAt;
      if (behind) lagSeconds = Math.max(0, (now - behind.getTime()) / 1000);
    }
    return { projection: this.projection.spec.name, leaseHeld, eventsHandled: this.eventsHandled, lagSeconds };
  }

  /** Processes every event up to now (used by rebuilds and tests). */
  async catchUpNow(): Promise<void> {
    await catchUpOnce({
      store: this.store,
      categories: [this.projection.spec.category],
      from: () => this.projection.readCheckpoint(this.ds),
      handle: (events) => this.handle(events),
      batchSize: this.options.batchSize ?? 500,
    });
  }

  private async handle(events: RecordedEvent[], signal?: AbortSignal): Promise<void> {
    // The lease is gone (or the runner stops): leave the batch to the next holder.
    if (events.length === 0 || signal?.aborted) return;
    await inTransaction(this.ds, async (sql) => {
      await this.projection.applyBatch(sql, events);
      await this.projection.writeCheckpoint(sql, events[events.length - 1]!.position);
    });
    this.eventsHandled += events.length;
    this.pendingSince = null;
    this.lastHandledAt = events[events.length - 1]!.recordedAt;
    // Writers project their own events before answering, so this catch-up only has to follow;
    // letting a small batch's successors accumulate briefly keeps it cheap under load.
    if (signal && events.length < (this.options.batchSize ?? 500)) await sleep(this.options.coalesceMs ?? 100, signal);
  }

  /** The store for the catch-up loop: its reads also tell status() whether the projection is caught up. */
  private observedReads(): EventStore {
    const reads: Pick<EventStore, 'readAll' | 'waitForEvents'> = {
      readAll: async (options) => {
        const events = await this.store.readAll(options);
        this.caughtUp = events.length === 0;
        this.pendingSince = events[0]?.recordedAt ?? null;
        return events;
      },
      waitForEvents: (timeoutMs, signal, categories) => this.store.waitForEvents(timeoutMs, signal, categories),
    };
    return reads as EventStore;
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const lockKey = `projection:${this.projection.spec.name}`;
    while (!signal.aborted) {
      const holder = this.ds.createQueryRunner();
      let lease: { signal: AbortSignal; dispose(): void } | null = null;
      try {
        const connection: EventEmitter = await holder.connect();
        const [row] = await holder.query(`SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS acquired`, [lockKey]);
        if (!row.acquired) {
          await holder.release();
          await sleep(this.options.leaseRetryMs ?? 2_000, signal);
          continue;
        }
        this.leaseHolder = holder;
        // The lock lives as long as its connection: when that goes away (terminated backend, server
        // restart, network), another replica can take the lease, so this one must stop at once.
        lease = leaseSignal(connection, signal, () => holder.query('SELECT 1'), this.options.leaseHeartbeatMs ?? 5_000);
        this.caughtUp = false;
        this.pendingSince = null;
        this.lastHandledAt = null;
        this.leaseSignal = lease.signal;
        this.logger.info('projection lease acquired', { projection: this.projection.spec.name });
        await runCatchUp({
          store: this.observedReads(),
          categories: [this.projection.spec.category],
          from: () => this.projection.readCheckpoint(this.ds),
          handle: (events) => this.handle(events, lease!.signal),
          batchSize: this.options.batchSize ?? 500,
          signal: lease.signal,
          idleWaitMs: 1_000,
          onError: (error) => this.logger.warn('projection batch failed; retrying', { projection: this.projection.spec.name, error }),
        });
        if (!signal.aborted) this.logger.warn('projection lease lost; retrying', { projection: this.projection.spec.name });
      } catch (error) {
        if (!signal.aborted) {
          this.logger.warn('projection lease lost or failed; retrying', { projection: this.projection.spec.name, error });
          await sleep(this.options.leaseRetryMs ?? 2_000, signal);
        }
      } finally {
        this.leaseSignal = null;
        lease?.dispose();
        if (this.leaseHolder === holder) {
          this.leaseHolder = null;
          await holder.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [lockKey]).catch(() => undefined);
        }
        if (!holder.isReleased) await holder.release().catch(() => undefined);
      }
    }
  }
}

/**
 * Aborted when `outer` aborts, when the lease's connection reports an error or closes, or when a
 * heartbeat query on it fails or takes longer than `heartbeatMs` (a connection that died silently).
 */
function leaseSignal(
  connection: EventEmitter,
  outer: AbortSignal,
  heartbeat: () => Promise<unknown>,
  heartbeatMs: number,
): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const lost = () => controller.abort();
  connection.on('error', lost);
  connection.on('end', lost);
  outer.addEventListener('abort', lost, { once: true });
  let beating = false;
  const timer = setInterval(() => {
    if (beating || controller.signal.aborted) return;
    beating = true;
    let timeout: NodeJS.Timeout | undefined;
    void Promise.race([heartbeat(), new Promise((_, reject) => (timeout = setTimeout(() => reject(new Error('lease heartbeat timed out')), heartbeatMs)))])
      .catch(lost)
      .finally(() => {
        clearTimeout(timeout);
        beating = false;
      });
  }, heartbeatMs);
  timer.unref();
  return {
    signal: controller.signal,
    dispose() {
      clearInterval(timer);
      connection.removeListener('error', lost);
      connection.removeListener('end', lost);
      outer.removeEventListener('abort', lost);
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
