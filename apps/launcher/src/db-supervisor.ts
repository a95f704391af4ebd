import type { Logger } from '@datamingle/platform';
import type { ServerRun } from './embedded-db';

/** A server process that can be started again after it ended (EmbeddedServer). */
export interface RestartableServer {
  start(): Promise<ServerRun>;
  stop(): Promise<void>;
}

export interface SupervisorOptions {
  /** Wait before restart attempt n (from 0): delaysMs[min(n, last)]. Counts on across crashes until the server ran stableMs. */
  delaysMs?: readonly number[];
  /** A server that ran this long was healthy: after its crash the delays start over. */
  stableMs?: number;
  onUp?: (info: { pid: number; downMs: number }) => void;
}

export const RESTART_DELAYS_MS = [250, 500, 1_000, 2_000, 4_000, 5_000] as const;
const LONG_OUTAGE_MS = 60_000;

/**
 * Keeps a server running: when its process exits without stop() (crash, SIGKILL, OOM killer), it
 * starts it again after a bounded backoff, retrying until it is up (a crashed PostgreSQL refuses
 * to start until the backends it left behind have exited). stop() ends the supervision and the server.
 */
export class ServerSupervisor {
  private stopping = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly server: RestartableServer,
    private readonly logger: Logger,
    private readonly options: SupervisorOptions = {},
  ) {}

  /** Watches `run`, and every run after it, until stop(). */
  supervise(run: ServerRun): void {
    this.loop = this.watch(run).catch((error: unknown) => this.logger.error('embedded PostgreSQL supervision failed', { error }));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.server.stop();
    await this.loop;
  }

  private async watch(first: ServerRun): Promise<void> {
    const delays = this.options.delaysMs ?? RESTART_DELAYS_MS;
    const stableMs = this.options.stableMs ?? 30_000;
    let run = first;
    let failures = 0;
    for (;;) {
      const upAt = Date.now();
      const exit = await run.exited;
      if (this.stopping) return;
      const downAt = Date.now();
      if (downAt - upAt >= stableMs) failures = 0;
      this.logger.error('embedded PostgreSQL server exited unexpectedly; restarting it', { pid: run.pid, exit, uptime_ms: downAt - upAt });
      // A start fails while the crashed run's backends linger: try again as soon as they are gone.
      let released = false;
      const gone = run.released.then(() => {
        released = true;
      });
      let attempts = 0;
      for (;;) {
        await this.sleep(delays[Math.min(failures, delays.length - 1)], released ? null : gone);
        if (this.stopping) return;
        failures += 1;
        attempts += 1;
        try {
          run = await this.server.start();
          break;
        } catch (error) {
          if (this.stopping) return;
          // Warnings while a restart is expected to succeed soon; errors once the outage is long.
          const log = Date.now() - downAt < LONG_OUTAGE_MS ? this.logger.warn.bind(this.logger) : this.logger.error.bind(this.logger);
          log('embedded PostgreSQL server did not start; retrying', {
            attempt: attempts,
            reason: error instanceof Error ? error.message : String(error),
            retry_in_ms: delays[Math.min(failures, delays.length - 1)],
          });
        }
      }
      const downMs = Date.now() - downAt;
      this.logger.warn('embedded PostgreSQL server restarted', { pid: run.pid, attempts, down_ms: downMs });
      this.options.onUp?.({ pid: run.pid, downMs });
    }
  }

  /** Waits `ms`, or less if `early` settles first or stop() is called. */
  private sleep(ms: number, early: Promise<void> | null): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
      void early?.then(done);
    });
  }
}
