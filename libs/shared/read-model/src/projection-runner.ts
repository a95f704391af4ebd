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
    // Writers project their own events before answering, so this catch-up only has to follow;
    // letting a small batch's successors accumulate briefly keeps it cheap under load.
    if (signal && events.length < (this.options.batchSize ?? 500)) await sleep(this.options.coalesceMs ?? 100, signal);
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
        this.logger.info('projection lease acquired', { projection: this.projection.spec.name });
        await runCatchUp({
          store: this.store,
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
