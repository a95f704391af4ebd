import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { eventually, startTestPlatform, type TestPlatform } from '@datamingle/testing';
import { ChangeFeedClient } from './feed-client';
import { readState, type ErpRow } from './erp-table';

/**
 * The example sync client, as a process of its own, against the real platform: while 20 writers
 * change orders, products, locations and inventory, it follows the change feed into its ERP table
 * and is SIGKILLed twice; at the end the table holds every event of the tenant exactly once, in
 * the event store's order.
 */
const ROOT = resolve(__dirname, '..', '..', '..');
const PROJECT = join(ROOT, 'examples', 'erp-change-sync');
const MAIN = join(PROJECT, 'dist', 'main.js');
const SKUS = ['SYNC-A', 'SYNC-B'];
const WRITERS = 20;
const WRITE_MS = 6_000;

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

  /** The tenant's events in the event store's order: what the feed must hand, each once. */
  async function storedEvents(): Promise<{ category: string; event_type: string; version: number; aggregate_id: string; data: Record<string, unknown> }[]> {
    const { rows } = await db.query(
      `SELECT category, event_type, stream_revision + 1 AS version, metadata->>'aggregate_id' AS aggregate_id, data
         FROM event_store.events
        WHERE metadata->>'tenant_id' = $1 AND category = ANY($2)
        ORDER BY transaction_id, global_position`,
      [tenantId, ['order', 'product', 'location', 'inventory']],
    );
    return rows.map((r) => ({ ...r, version: Number(r.version) }));
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
    // The reader is SIGKILLed twice while the writers run, and started again right away.
    const killer = async () => {
      const kills: number[] = [];
      for (const at of [WRITE_MS * 0.3, WRITE_MS * 0.65]) {
        await sleep(Math.max(0, deadline - WRITE_MS + at - Date.now()));
        const applied = rowsOf(outputFile).length;
        const exit = await sync.kill('SIGKILL');
        expect(exit.signal).toBe('SIGKILL');
        kills.push(applied);
        sync.start();
      }
      return kills;
    };
    const [kills] = await Promise.all([killer(), ...Array.from({ length: WRITERS }, (_, w) => writer(w))]);
    expect(failures).toEqual([]);

    const stored = await storedEvents();
    // Caught up: the table stops growing at the number of stored events.
    await eventually(() => expect(rowsOf(outputFile).length).toBe(stored.length), 60_000, 200);
    await sleep(3_000);
    const rows = rowsOf(outputFile);
    expect(rows.length).toBe(stored.length);
    expect(new Set(rows.map((r) => r.cursor)).size).toBe(rows.length);

    const storeKeys = stored.map((e) => `${e.category} ${e.event_type} v${e.version} ${e.category === 'inventory' ? `${String(e.data['location_code'])}/${String(e.data['sku_code'])}` : e.aggregate_id}`);
    const outputKeys = rows.map((r) => {
      const record = r.record as Record<string, unknown>;
      return `${r.resource} ${r.type} v${r.version} ${r.resource === 'inventory' ? `${String(record['location_code'])}/${String(record['sku_code'])}` : r.id}`;
    });
    expect(outputKeys).toEqual(storeKeys);
    // The stored cursor is the last page's next_cursor, and covers the whole table.
    expect(readState(stateFile).output_bytes).toBe(readFileSync(outputFile).length);

    const recoveries = sync.lines.filter((l) => l.includes('recovering:'));
    const counts = stored.reduce<Record<string, number>>((c, e) => ({ ...c, [e.category]: (c[e.category] ?? 0) + 1 }), {});
    process.stdout.write(
      `erp-change-sync e2e: ${requests.count} writes by ${WRITERS} writers in ${WRITE_MS / 1000} s, ${stored.length} events (${JSON.stringify(counts)}), ` +
        `reader killed at ${kills.join(' and ')} applied rows, ${recoveries.length} restarts found rows past the stored cursor, ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s in all\n`,
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
      expect(woken.data.map((e) => [e.resource, e.type, e.identifier])).toEqual([['product', 'ProductCreated', 'SYNC-LATE']]);
      expect(woken.nextCursor).not.toBe(cursor);
      await eventually(() => expect(rowsOf(outputFile).at(-1)?.identifier).toBe('SYNC-LATE'), 10_000, 100);
    } finally {
      client.close();
    }

    // SIGTERM: the idle reader stops at once (its open long poll abandoned), exit code 0.
    const t = Date.now();
    expect(await sync.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(Date.now() - t).toBeLessThan(1_500);
    expect(sync.lines.at(-1)).toMatch(/^erp-change-sync: stopped: /);
  }, 60_000);
});
