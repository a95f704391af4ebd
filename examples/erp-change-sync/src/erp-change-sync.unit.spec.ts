import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { configFromEnv } from './main';
import { type ChangeEvent, type ChangesPage, FeedError, parseRetryAfter } from './feed-client';
import { ErpTable, readState } from './erp-table';
import { runSync } from './sync';

/** A feed in memory: the changes after a cursor, in order; next_cursor the last one handed (or the same). */
class FakeFeed {
  readonly events: ChangeEvent[] = [];
  limit = 3;
  failures: FeedError[] = [];
  requests = 0;

  add(n: number): void {
    for (let i = 0; i < n; i++) {
      const seq = this.events.length + 1;
      this.events.push({ cursor: `c${String(seq).padStart(6, '0')}`, resource: 'order', id: `o${seq % 5}`, identifier: null, type: 'OrderUpdated', version: seq, occurred_at: '2026-01-01T00:00:00Z', record: { n: seq } });
    }
  }

  page(after: string | undefined): ChangesPage {
    const from = after === undefined || after === 'c000000' ? 0 : this.events.findIndex((e) => e.cursor === after) + 1;
    if (after !== undefined && after !== 'c000000' && from === 0) throw new Error(`unknown cursor ${after}`);
    const data = this.events.slice(from, from + this.limit);
    return { data, nextCursor: data.at(-1)?.cursor ?? after ?? 'c000000' };
  }

  /** As the client: one failure queued is thrown first; stops the loop once the feed is drained. */
  client(stop: AbortController) {
    return {
      fetchPage: async (after: string | undefined) => {
        this.requests++;
        const failure = this.failures.shift();
        if (failure) throw failure;
        const page = this.page(after);
        if (page.data.length === 0) stop.abort();
        return page;
      },
    };
  }
}

const dir = () => mkdtempSync(join(tmpdir(), 'erp-sync-'));
const cursorsIn = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { cursor: string }).cursor);

async function syncToEnd(feed: FakeFeed, output: string, state: string) {
  const table = ErpTable.open(output, state);
  const stop = new AbortController();
  try {
    return { recovery: table.recovery, totals: await runSync({ client: feed.client(stop), table, stop: stop.signal, minBackoffMs: 1, maxBackoffMs: 2 }) };
  } finally {
    table.close();
  }
}

describe('erp-change-sync', () => {
  it('applies every change once, in order, and stores the cursor', async () => {
    const d = dir();
    const feed = new FakeFeed();
    feed.add(10);
    const { totals } = await syncToEnd(feed, join(d, 'out.jsonl'), join(d, 'state.json'));
    expect(totals).toEqual({ pages: 5, applied: 10, skipped: 0 });
    expect(cursorsIn(join(d, 'out.jsonl'))).toEqual(feed.events.map((e) => e.cursor));
    expect(readState(join(d, 'state.json'))).toEqual({ cursor: 'c000010', output_bytes: readFileSync(join(d, 'out.jsonl')).length });
    // Later changes continue after the stored cursor.
    feed.add(4);
    await syncToEnd(feed, join(d, 'out.jsonl'), join(d, 'state.json'));
    expect(cursorsIn(join(d, 'out.jsonl'))).toEqual(feed.events.map((e) => e.cursor));
  });

  it('a crash between the apply and the stored cursor: the page handed again is skipped, not applied twice', async () => {
    const d = dir();
    const [out, state] = [join(d, 'out.jsonl'), join(d, 'state.json')];
    const feed = new FakeFeed();
    feed.add(6);
    await syncToEnd(feed, out, state);
    // The state as it was before the last two pages: their lines are in the table, the cursor never moved.
    writeFileSync(state, JSON.stringify({ cursor: 'c000002', output_bytes: readFileSync(out, 'utf8').split('\n').slice(0, 2).join('\n').length + 1 }));
    feed.add(2);
    const { recovery, totals } = await syncToEnd(feed, out, state);
    expect(recovery).toEqual({ appliedPastCursor: 4, truncatedBytes: 0 });
    expect(totals.skipped).toBe(4);
    expect(cursorsIn(out)).toEqual(feed.events.map((e) => e.cursor));
  });

  it('an unfinished last line is cut off and the change applied again', async () => {
    const d = dir();
    const [out, state] = [join(d, 'out.jsonl'), join(d, 'state.json')];
    const feed = new FakeFeed();
    feed.add(3);
    await syncToEnd(feed, out, state);
    feed.add(1);
    appendFileSync(out, '{"cursor":"c000004","resou');
    const { recovery } = await syncToEnd(feed, out, state);
    expect(recovery.truncatedBytes).toBe(26);
    expect(cursorsIn(out)).toEqual(feed.events.map((e) => e.cursor));
  });

  it('refuses a feed that hands other changes than those applied past the cursor', async () => {
    const d = dir();
    const [out, state] = [join(d, 'out.jsonl'), join(d, 'state.json')];
    appendFileSync(out, JSON.stringify({ cursor: 'elsewhere' }) + '\n');
    const feed = new FakeFeed();
    feed.add(2);
    await expect(syncToEnd(feed, out, state)).rejects.toThrow(/not the one applied/);
  });

  it('retries transient failures (Retry-After or backoff) and gives up on the others', async () => {
    const d = dir();
    const feed = new FakeFeed();
    feed.add(2);
    feed.failures.push(new FeedError('HTTP 429', true, 429, 5), new FeedError('HTTP 503', true, 503, 1), new FeedError('socket hang up', true));
    await syncToEnd(feed, join(d, 'out.jsonl'), join(d, 'state.json'));
    expect(cursorsIn(join(d, 'out.jsonl'))).toEqual(['c000001', 'c000002']);
    expect(feed.requests).toBe(3 + 2);
    feed.failures.push(new FeedError('HTTP 401 UNAUTHORIZED', false, 401));
    await expect(syncToEnd(feed, join(d, 'out.jsonl'), join(d, 'state.json'))).rejects.toThrow('HTTP 401');
  });

  it('exactly once over any sequence of crashes (mid-page, before the cursor is stored) and page sizes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ pages: fc.nat(4), limit: fc.integer({ min: 1, max: 5 }), keep: fc.nat(5), added: fc.nat(6) }), { maxLength: 8 }),
        async (runs) => {
          const d = dir();
          const [out, state] = [join(d, 'out.jsonl'), join(d, 'state.json')];
          const feed = new FakeFeed();
          feed.add(5);
          for (const run of runs) {
            feed.limit = run.limit;
            const table = ErpTable.open(out, state);
            for (let p = 0; p < run.pages; p++) {
              const page = feed.page(table.cursor);
              table.applyPage(page.data, page.nextCursor);
            }
            // The crash: part of a page applied, the cursor not stored (the state file as before the page).
            const before = readFileSync(state, { flag: 'a+' });
            const page = feed.page(table.cursor);
            table.applyPage(page.data.slice(0, run.keep), page.nextCursor);
            writeFileSync(state, before.length ? before : JSON.stringify({ cursor: null, output_bytes: 0 }));
            table.close();
            feed.add(run.added);
          }
          feed.limit = 4;
          await syncToEnd(feed, out, state);
          expect(cursorsIn(out)).toEqual(feed.events.map((e) => e.cursor));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads Retry-After as seconds or a date, and its configuration from the environment', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    const env = { DATAMINGLE_URL: 'http://localhost:8080', DATAMINGLE_API_KEY: 'k', SYNC_STATE_FILE: 's', SYNC_OUTPUT_FILE: 'o' };
    expect(configFromEnv(env).feed).toEqual({ baseUrl: 'http://localhost:8080', apiKey: 'k', waitSeconds: 10 });
    expect(configFromEnv({ ...env, DATAMINGLE_HOST: 'acme.localhost:8080', SYNC_RESOURCES: 'orders, products', SYNC_LIMIT: '50', SYNC_WAIT_SECONDS: '0' }).feed).toEqual({
      baseUrl: 'http://localhost:8080',
      apiKey: 'k',
      host: 'acme.localhost:8080',
      resources: ['orders', 'products'],
      limit: 50,
      waitSeconds: 0,
    });
    expect(() => configFromEnv({ ...env, SYNC_WAIT_SECONDS: '31' })).toThrow('SYNC_WAIT_SECONDS');
    expect(() => configFromEnv({ ...env, DATAMINGLE_API_KEY: '' })).toThrow('DATAMINGLE_API_KEY');
  });
});
