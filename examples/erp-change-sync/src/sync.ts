/**
 * The sync loop: read the stored cursor, long-poll the feed after it, apply the page, store the
 * page's next_cursor; again, until stopped. Transient failures (network errors, 429, 5xx) are
 * retried: after the server's Retry-After when it sends one, else with exponential backoff and
 * jitter. A stop request ends the loop after the page being applied (an open long-poll is
 * abandoned: nothing of it was applied, and the cursor did not move).
 */
import { type ChangeFeedClient, type ChangesPage, FeedError } from './feed-client';
import type { ErpTable } from './erp-table';

export interface SyncLog {
  (line: string): void;
}

export interface SyncOptions {
  client: Pick<ChangeFeedClient, 'fetchPage'>;
  table: ErpTable;
  /** Aborted to stop: the loop finishes the page it is applying, then returns. */
  stop: AbortSignal;
  log?: SyncLog;
  /** Backoff bounds for failures without Retry-After (defaults 500 ms and 30 s). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Pause after an empty page (for `wait=0`, which answers at once; default none). */
  idleDelayMs?: number;
}

export interface SyncTotals {
  pages: number;
  applied: number;
  skipped: number;
}

/** Resolves after `ms`, or early when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

/** Runs until `stop` aborts (resolves with the totals) or a failure that a retry cannot fix (rejects). */
export async function runSync(options: SyncOptions): Promise<SyncTotals> {
  const { client, table, stop } = options;
  const log = options.log ?? (() => undefined);
  const minBackoff = options.minBackoffMs ?? 500;
  const maxBackoff = options.maxBackoffMs ?? 30_000;
  const totals: SyncTotals = { pages: 0, applied: 0, skipped: 0 };
  let failures = 0;
  while (!stop.aborted) {
    let page: ChangesPage;
    try {
      page = await client.fetchPage(table.cursor, stop);
    } catch (error) {
      if (stop.aborted) break;
      if (!(error instanceof FeedError) || !error.retryable) throw error;
      failures++;
      const backoff = Math.min(maxBackoff, minBackoff * 2 ** Math.min(failures - 1, 16));
      // Full jitter on our own backoff; the server's Retry-After is taken as given.
      const delay = error.retryAfterMs ?? Math.round(backoff / 2 + (Math.random() * backoff) / 2);
      log(`${error.message}; retrying in ${(delay / 1000).toFixed(1)} s (attempt ${failures + 1})`);
      await sleep(delay, stop);
      continue;
    }
    failures = 0;
    const result = table.applyPage(page.data, page.nextCursor);
    totals.pages++;
    totals.applied += result.applied;
    totals.skipped += result.skipped;
    if (page.data.length > 0) {
      log(`applied ${result.applied}${result.skipped ? `, skipped ${result.skipped} already applied` : ''}; cursor ${page.nextCursor}`);
    } else if (options.idleDelayMs) {
      await sleep(options.idleDelayMs, stop);
    }
  }
  return totals;
}
