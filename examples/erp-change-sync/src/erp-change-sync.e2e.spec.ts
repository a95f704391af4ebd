import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { eventually, startTestPlatform, type TestPlatform } from '@datamingle/testing';
import { ChangeFeedClient } from './feed-client';
import { readState, type ErpRow, type SyncState } from './erp-table';

/**
 * The example sync client, as a process of its own, against the real platform: while 20 writers
 * change orders, products, locations and inventory, it follows the change feed into its ERP table
 * and is SIGKILLed twice (once leaving a torn last line, once a page applied past its stored
 * cursor); at the end the table holds every event of the tenant exactly once, in the event
 * store's order (`event_store.events` by transaction, then position), each entry with its event's
 * fields, its current record and the identifier that addresses it.
 */
const ROOT = resolve(__dirname, '..', '..', '..');
const PROJECT = join(ROOT, 'examples', 'erp-change-sync');
const MAIN = join(PROJECT, 'dist', 'main.js');
const SKUS = ['SYNC-A', 'SYNC-B'];
const WRITERS = 20;
const WRITE_MS = 6_000;
/** The start of a line whose write a crash cut short. */
const TORN_LINE = '{"cursor":"torn-by-the-test","resource":"ord';

/** The example as a child process: `node dist/main.js`, configured by the environment. */
class SyncProcess {
  readonly lines: string[] = [];
  private child: ChildProcess | undefined;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> = Promise.resolve({ code: null, signal: null });

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  start(): void {
    const child = spawn(process.execPath, [MAIN], { env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exit = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (text: string) => {
        const parts = (rest + text).split('\n');
        rest = parts.pop() ?? '';
        this.lines.push(...parts.filter(Boolean));
      });
    }
  }

  running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running()) this.child!.kill(signal);
    return this.exit;
  }
}

function rowsOf(file: string): ErpRow[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  // A line being written while we read is not complete yet: only whole lines count.
  return text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ErpRow);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('erp-change-sync follows the change feed exactly once across its own crashes', () => {
  let platform: TestPlatform;
  let key: string;
  let tenantId: string;
  let db: Client;
  const work = mkdtempSync(join(tmpdir(), 'erp-change-sync-'));
  const stateFile = join(work, 'state.json');
  const outputFile = join(work, 'erp-table.jsonl');
  let sync: SyncProcess;

  beforeAll(async () => {
    // The example's own build (incremental: nothing to do when dist is up to date).
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', join(PROJECT, 'tsconfig.lib.json')], { cwd: ROOT, stdio: 'inherit' });
    platform = await startTestPlatform();
    tenantId = (await platform.createTenant('acme')).id;
    const scopes = ['orders', 'products', 'locations', 'inventory'].flatMap((r) => [`integrations.${r}.read`, `integrations.${r}.write`]);
    ({ key } = await platform.createKey('acme', { name: 'erp sync', scopes }));
    db = new Client({ connectionString: platform.databaseUrl });
    await db.connect();
    sync = new SyncProcess({
      DATAMINGLE_URL: `http://127.0.0.1:${platform.gatewayPort}`,
      DATAMINGLE_HOST: 'acme.localhost',
      DATAMINGLE_API_KEY: key,
      SYNC_STATE_FILE: stateFile,
      SYNC_OUTPUT_FILE: outputFile,
      SYNC_WAIT_SECONDS: '2',
      SYNC_LIMIT: '50',
    });
  }, 120_000);

  afterAll(async () => {
    await sync?.kill('SIGKILL');
    await db?.end();
    await platform?.stop();
  }, 60_000);

  /** A stored event, as the feed must hand it. */
  interface StoredEvent {
    global_position: number;
    category: string;
    event_type: string;
    version: number;
    aggregate_id: string;
    occurred_at: string;
    data: Record<string, unknown>;
  }

  /** Every event of the tenant in the event store's order (transaction, then position): what the feed must hand, each once. */
  async function storedEvents(): Promise<StoredEvent[]> {
    const { rows } = await db.query<StoredEvent & { global_position: string; version: string }>(
      `SELECT global_position, category, event_type, stream_revision + 1 AS version, metadata->>'aggregate_id' AS aggregate_id,
              metadata->>'occurred_at' AS occurred_at, data
         FROM event_store.events
        WHERE metadata->>'tenant_id' = $1
        ORDER BY transaction_id, global_position`,
      [tenantId],
    );
    return rows.map((r) => ({ ...r, global_position: Number(r.global_position), version: Number(r.version) }));
  }

  /**
   * One change as a comparable line: what the event store says of a stored event, what the feed
   * said of a row of the ERP table: resource, type, version (stream revision + 1), the record's id
   * (inventory: the location's) and the occurrence time (ms).
   */
  const storedKey = (e: StoredEvent): string => [e.category, e.event_type, `v${e.version}`, e.aggregate_id, Date.parse(e.occurred_at)].join(' ');
  const rowKey = (r: ErpRow): string => [r.resource, r.type, `v${r.version}`, r.id, Date.parse(r.occurred_at)].join(' ');
  /** The tenant's stored events once the writers are done (the first test's). */
  let storedByWriters: StoredEvent[] = [];

  /** The feed's identifier and record of a row against each other: a problem, or null. */
  function rowProblem(r: ErpRow, event: StoredEvent | undefined): string | null {
    if (r.record === null || typeof r.record !== 'object') return 'no record';
    const record = r.record as Record<string, unknown>;
    if (r.resource === 'inventory' && event && (record['location_code'] !== event.data['location_code'] || record['sku_code'] !== event.data['sku_code'])) {
      return `record of ${String(record['location_code'])}/${String(record['sku_code'])}, the change is of ${String(event.data['location_code'])}/${String(event.data['sku_code'])}`;
    }
    const expected: Record<string, unknown> = {
      order: record['external_order_id'] ?? record['order_number'],
      product: record['sku'],
      location: record['code'],
      inventory: record['location_code'],
    };
    if (r.identifier === null || r.identifier !== expected[r.resource]) return `identifier ${String(r.identifier)}, expected ${String(expected[r.resource])}`;
    if (r.resource !== 'inventory' && record['id'] !== r.id) return `record id ${String(record['id'])}, expected ${r.id}`;
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(r.occurred_at)) return `occurred_at ${r.occurred_at}`;
    // The record as it is now: at least as new as the change that brought it there (an order's,
    // product's or location's `updated_at` is its last event's time; an inventory record's is the
    // database's clock, written in the event's own transaction).
    if (r.resource !== 'inventory' && !(Date.parse(String(record['updated_at'])) >= Date.parse(r.occurred_at))) return `record updated_at ${String(record['updated_at'])}, before the change (${r.occurred_at})`;
    return null;
  }

  it('20 writers across resources, the reader killed twice: every stored change once, in storage order', async () => {
    const started = Date.now();
    const post = (path: string, body: unknown) => platform.request('POST', `/api/integrations/v1/${path}`, { key, body });
    const put = (path: string, body: unknown) => platform.request('PUT', `/api/integrations/v1/${path}`, { key, body });
    for (const sku of SKUS) expect((await post('products/', { sku, name: sku })).status).toBe(201);
    // One location per inventory writer, so that the writers' bulk requests do not wait on each other.
    for (let w = 0; w < WRITERS; w++) if (w % 4 === 3) expect((await post('locations/', { code: `INV-${w}` })).status).toBe(201);

    sync.start();
    const failures: string[] = [];
    const requests = { count: 0 };
    const deadline = Date.now() + WRITE_MS;
    const expectStatus = async (what: string, sent: Promise<{ status: number; text: string }>, status: number) => {
      const res = await sent;
      requests.count++;
      if (res.status !== status) failures.push(`${what}: ${res.status} ${res.text.slice(0, 200)}`);
      return res.status === status;
    };
    const writer = async (w: number) => {
      let created = 0;
      for (let n = 0; Date.now() < deadline; n++) {
        const mine = `W${w}-${created}`;
        // Odd turns update the writer's latest record, even ones create a new one.
        const update = n % 2 === 1 && created > 0;
        const last = `W${w}-${created - 1}`;
        switch (w % 4) {
          case 0:
            if (update) await expectStatus('order update', put(`orders/${last}/`, { notes: `note ${n}` }), 200);
            else if (await expectStatus('order create', post('orders/', { order_number: mine, items: [{ sku_code: SKUS[n % 2], quantity: 1 + (n % 3) }] }), 201)) created++;
            break;
          case 1:
            if (update) await expectStatus('product update', put(`products/${last}/`, { name: `name ${n}` }), 200);
            else if (await expectStatus('product create', post('products/', { sku: mine, name: mine }), 201)) created++;
            break;
          case 2:
            if (update) await expectStatus('location update', put(`locations/${last}/`, { name: `name ${n}` }), 200);
            else if (await expectStatus('location create', post('locations/', { code: mine }), 201)) created++;
            break;
          default:
            await expectStatus('inventory', post('inventory/', { inventory: SKUS.map((sku, i) => ({ location_code: `INV-${w}`, sku_code: sku, quantity: n * 2 + i })) }), 200);
        }
      }
    };
    // The checkpoints the reader stores, as they come (the state file is replaced by a rename: each read is a whole one).
    const checkpoints: string[] = [];
    let watching = true;
    const watcher = (async () => {
      for (; watching; await sleep(5)) {
        const text = existsSync(stateFile) ? readFileSync(stateFile, 'utf8') : '';
        if (text !== '' && text !== checkpoints.at(-1)) checkpoints.push(text);
      }
    })();
    // The reader is SIGKILLed twice while the writers run, and started again right away. Where a
    // SIGKILL lands is luck, so each kill also leaves the files as the worst moment would have:
    // the first as if it had come in the middle of writing a line (a torn last line), the second
    // as if it had come between a page's apply and its checkpoint (the state file one checkpoint
    // back, the lines applied since past its `output_bytes`).
    const killer = async () => {
      const kills: Array<{ rows: number; pastCursor: number }> = [];
      for (const [k, at] of [WRITE_MS * 0.3, WRITE_MS * 0.65].entries()) {
        await sleep(Math.max(0, deadline - WRITE_MS + at - Date.now()));
        expect(await sync.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
        const table = readFileSync(outputFile);
        const current = readState(stateFile);
        if (k === 0) {
          appendFileSync(outputFile, TORN_LINE);
        } else {
          const earlier = checkpoints
            .map((text) => JSON.parse(text) as SyncState)
            .filter((c) => c.output_bytes < current.output_bytes)
            .at(-1);
          if (earlier === undefined) throw new Error(`no checkpoint before ${JSON.stringify(current)} was seen: the reader made no progress`);
          writeFileSync(stateFile, JSON.stringify(earlier) + '\n');
        }
        const after = readState(stateFile).output_bytes;
        kills.push({ rows: rowsOf(outputFile).length, pastCursor: table.subarray(after).toString('utf8').split('\n').length - 1 });
        sync.start();
      }
      return kills;
    };
    let kills: Awaited<ReturnType<typeof killer>>;
    try {
      [kills] = await Promise.all([killer(), ...Array.from({ length: WRITERS }, (_, w) => writer(w))]);
    } finally {
      watching = false;
      await watcher;
    }
    expect(failures).toEqual([]);

    const stored = await storedEvents();
    storedByWriters = stored;
    // Only the feed's resources store events of a tenant: the feed hands all of them.
    expect([...new Set(stored.map((e) => e.category))].sort()).toEqual(['inventory', 'location', 'order', 'product']);
    // Caught up: the table reaches the number of stored events and the reader's checkpoint covers
    // it; then one more long poll, in which nothing more may come.
    const caughtUp = Date.now() + 60_000;
    while (sync.running() && Date.now() < caughtUp && (rowsOf(outputFile).length < stored.length || readState(stateFile).output_bytes !== readFileSync(outputFile).length)) await sleep(100);
    await sleep(2_500);
    // (A reader that stopped on its own says why.)
    expect(sync.running() ? 'running' : sync.lines.slice(-3)).toBe('running');
    const rows = rowsOf(outputFile);

    // Every stored change once, in storage order, with the event's own fields.
    expect(rows.map(rowKey)).toEqual(stored.map(storedKey));
    expect(new Set(rows.map((r) => r.cursor)).size).toBe(rows.length);
    // The stored cursor is the last page's next_cursor, and covers the whole table.
    expect(readState(stateFile).output_bytes).toBe(readFileSync(outputFile).length);

    // The restarts recovered: the torn line cut off, the lines past the cursor skipped when the feed handed them again.
    const cutOff = sync.lines.flatMap((l) => /cut off an unfinished last line \((\d+) bytes\)/.exec(l)?.slice(1) ?? []).map(Number);
    expect(cutOff).toHaveLength(1);
    expect(cutOff[0]).toBeGreaterThanOrEqual(Buffer.byteLength(TORN_LINE));
    const recovered = sync.lines.flatMap((l) => /recovering: (\d+) changes/.exec(l)?.slice(1) ?? []).map(Number);
    const skipped = sync.lines.flatMap((l) => /skipped (\d+) already applied/.exec(l)?.slice(1) ?? []).map(Number);
    expect(kills[1]!.pastCursor).toBeGreaterThan(0);
    expect(recovered).toContain(kills[1]!.pastCursor);
    expect(skipped.reduce((a, b) => a + b, 0)).toBe(recovered.reduce((a, b) => a + b, 0));

    const counts = stored.reduce<Record<string, number>>((c, e) => ({ ...c, [e.category]: (c[e.category] ?? 0) + 1 }), {});
    const overtaken = stored.filter((e, i) => i > 0 && e.global_position < stored[i - 1]!.global_position).length;
    process.stdout.write(
      `erp-change-sync e2e: ${requests.count} writes by ${WRITERS} writers in ${WRITE_MS / 1000} s, ${stored.length} events (${JSON.stringify(counts)}; ` +
        `${overtaken} stored after one of a later position), synced once each in storage order; ` +
        `reader SIGKILLed at ${kills.map((k) => `${k.rows} rows (${k.pastCursor} past the stored cursor)`).join(' and ')}, ` +
        `${recovered.reduce((a, b) => a + b, 0)} changes skipped as already applied; ${((Date.now() - started) / 1000).toFixed(1)} s in all\n`,
    );
  }, 180_000);

  it('with nothing new, a request long-polls for `wait` seconds and the cursor stays; a write ends the wait early', async () => {
    const cursor = readState(stateFile).cursor!;
    expect(typeof cursor).toBe('string');
    const client = new ChangeFeedClient({ baseUrl: `http://127.0.0.1:${platform.gatewayPort}`, host: 'acme.localhost', apiKey: key, waitSeconds: 2 });
    try {
      let t = Date.now();
      const idle = await client.fetchPage(cursor);
      const idleMs = Date.now() - t;
      expect(idle).toEqual({ data: [], nextCursor: cursor });
      expect(idleMs).toBeGreaterThanOrEqual(1_800);
      expect(idleMs).toBeLessThan(5_000);

      // The running reader, idle too, keeps the same cursor.
      expect(sync.running()).toBe(true);
      expect(readState(stateFile).cursor).toBe(cursor);

      // A change during a long poll answers it at once.
      const waiting = new ChangeFeedClient({ baseUrl: `http://127.0.0.1:${platform.gatewayPort}`, host: 'acme.localhost', apiKey: key, waitSeconds: 20 });
      t = Date.now();
      const page = waiting.fetchPage(cursor);
      await sleep(500);
      expect((await platform.request('POST', '/api/integrations/v1/products/', { key, body: { sku: 'SYNC-LATE' } })).status).toBe(201);
      const woken = await page;
      waiting.close();
      expect(Date.now() - t).toBeLessThan(10_000);
      expect(woken.data.map((e) => [e.resource, e.type, e.version])).toEqual([['product', 'ProductCreated', 1]]);
      expect(woken.nextCursor).not.toBe(cursor);
      await eventually(() => expect(rowsOf(outputFile).at(-1)?.cursor).toBe(woken.data[0]!.cursor), 10_000, 100);
    } finally {
      client.close();
    }

    // SIGTERM: the idle reader stops at once (its open long poll abandoned), exit code 0.
    const t = Date.now();
    expect(await sync.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(Date.now() - t).toBeLessThan(1_500);
    expect(sync.lines.at(-1)).toMatch(/^erp-change-sync: stopped: /);
  }, 60_000);

  it("every change in the ERP table carries the record as it is now (at least as new as the change) and the identifier that addresses it", () => {
    const rows = rowsOf(outputFile);
    expect(rows.length).toBeGreaterThan(0);
    const problems = rows.flatMap((r, i) => {
      const problem = rowProblem(r, storedByWriters[i]);
      return problem ? [`row ${i} (${rowKey(r)}): ${problem}`] : [];
    });
    expect({ rows: rows.length, problems: problems.slice(0, 20) }).toEqual({ rows: rows.length, problems: [] });
  });
});
