import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { type ApiRequestOptions, type ApiResponse, rawRequest } from '@datamingle/testing';
import { embeddedUrl } from './embedded-db';
import { LauncherHarness } from './testing-support/launcher-harness';

const exec = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PRODUCTS = '/api/integrations/v1/products/';
/** From the kill to a ready gateway, with no manual action. */
const RECOVERY_MS = 45_000;

interface Outage {
  /** Every integration request sent from the kill until the gateway was ready again. */
  seen: { method: string; path: string; status: number; atMs: number }[];
  /** Responses that were neither a success nor a proper 503 (or requests that failed), described. */
  unexpected: string[];
  firstUnavailableMs: number | null;
  readyMs: number | null;
  /** SKUs whose create was answered 503 (nothing applied) or 504 (outcome unknown): checked after recovery. */
  refused: string[];
  inDoubt: string[];
}

describe('npm start: loss of the embedded PostgreSQL server', () => {
  let platform: LauncherHarness;
  let key: string;
  let before: ApiResponse;

  /** rawRequest with a time limit: a request that hangs fails the test instead of stalling it. */
  const request = (method: string, path: string, options: ApiRequestOptions = {}, timeoutMs = 10_000): Promise<ApiResponse> => {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      rawRequest(platform.gatewayPort, method, path, { key, ...options }),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${method} ${path}: no response in ${timeoutMs} ms`)), timeoutMs))),
    ]).finally(() => clearTimeout(timer));
  };

  const isGone = (pid: number) => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  };

  /**
   * From `killedAt` until the gateway's /readyz answers 200 once the old server process `postmaster`
   * is gone (at most RECOVERY_MS): a GET and a POST every ~100 ms, each of which must be a success
   * or 503 SERVICE_UNAVAILABLE with Retry-After (503 means nothing was applied; 500 is a failure).
   * A create whose commit was under way when the server went away may also be 504 GATEWAY_TIMEOUT
   * (outcome unknown): expectOutcomesKept checks afterwards that no 503 was applied.
   */
  async function observeOutage(killedAt: number, postmaster: number, tag: string): Promise<Outage> {
    const outage: Outage = { seen: [], unexpected: [], firstUnavailableMs: null, readyMs: null, refused: [], inDoubt: [] };
    const check = async (method: string, path: string, options: ApiRequestOptions, success: number) => {
      try {
        const res = await request(method, path, options);
        const atMs = Date.now() - killedAt;
        outage.seen.push({ method, path, status: res.status, atMs });
        if (res.status === success) return;
        const sku = method === 'POST' ? String((options.body as { sku: string }).sku) : null;
        const retryAfter = res.headers['retry-after'];
        if (res.status === 503 && res.body?.error?.code === 'SERVICE_UNAVAILABLE' && typeof retryAfter === 'string' && /^\d+$/.test(retryAfter)) {
          outage.firstUnavailableMs ??= atMs;
          if (sku) outage.refused.push(sku);
          return;
        }
        if (sku && res.status === 504 && res.body?.error?.code === 'GATEWAY_TIMEOUT') {
          outage.inDoubt.push(sku);
          return;
        }
        outage.unexpected.push(`${method} ${path} → ${res.status} (retry-after: ${String(retryAfter)}) at +${atMs} ms: ${res.text.slice(0, 300)}`);
      } catch (error) {
        outage.unexpected.push(`${method} ${path} at +${Date.now() - killedAt} ms: ${(error as Error).message}`);
      }
    };
    for (let i = 0; Date.now() - killedAt < RECOVERY_MS; i++) {
      await Promise.all([
        check('GET', `${PRODUCTS}BEFORE-KILL/`, {}, 200),
        check('POST', PRODUCTS, { body: { sku: `${tag}-${i}` } }, 201),
      ]);
      const gone = isGone(postmaster);
      const ready = await request('GET', '/readyz', {}, 5_000).catch(() => null);
      if (gone && ready?.status === 200) {
        outage.readyMs = Date.now() - killedAt;
        break;
      }
      await sleep(100);
    }
    return outage;
  }

  /** After recovery: a write is applied and read back, and the data from before the kill is there. */
  async function expectWorking(sku: string): Promise<void> {
    const created = await request('POST', PRODUCTS, { body: { sku } });
    expect(created.status).toBe(201);
    const read = await request('GET', `${PRODUCTS}${sku}/`);
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual(created.body.data);
    const old = await request('GET', `${PRODUCTS}BEFORE-KILL/`);
    expect(old.status).toBe(200);
    expect(old.body.data).toEqual(before.body.data);
  }

  /** After recovery: no create answered 503 was applied; each 504 is either applied or not, and says which by a GET. */
  async function expectOutcomesKept(outage: Outage): Promise<void> {
    for (const sku of outage.refused) expect({ sku, status: (await request('GET', `${PRODUCTS}${sku}/`)).status }).toEqual({ sku, status: 404 });
    for (const sku of outage.inDoubt) expect([200, 404]).toContain((await request('GET', `${PRODUCTS}${sku}/`)).status);
  }

  const report = (name: string, outage: Outage) =>
    `${name}: first 503 at +${outage.firstUnavailableMs} ms, ready at +${outage.readyMs} ms, ${outage.seen.length} requests (${outage.seen.filter((s) => s.status === 503).length} × 503, ${outage.inDoubt.length} × 504)`;

  beforeAll(async () => {
    platform = await new LauncherHarness().init();
    await platform.start();
    await platform.admin('tenant', 'create', 'acme');
    key = (await platform.admin('key', 'create', '--tenant', 'acme', '--name', 'db loss')).trim();
    before = await request('POST', PRODUCTS, { body: { sku: 'BEFORE-KILL' } });
    expect(before.status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await platform.dispose();
  }, 30_000);

  it('SIGKILL of the embedded PostgreSQL server → 503 meanwhile, ready again within 45 s with no manual action', async () => {
    // A backend busy in a CPU loop does not notice that its postmaster died: until the loop ends
    // (~3 s after the kill) the crashed server's shared memory is in use and PostgreSQL refuses to
    // start. That holds the outage open whatever the machine's speed, and exercises the retry.
    const holder = new Client({ connectionString: embeddedUrl(platform.postgresPort, 'postgres') });
    holder.on('error', () => undefined);
    await holder.connect();
    const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const busy = holder.query(`DO $$ BEGIN WHILE clock_timestamp() < statement_timestamp() + interval '3.5 seconds' LOOP END LOOP; END $$`).catch(() => undefined);
    // Kill only once the loop runs (a backend still waiting for its query would exit at once).
    const observer = new Client({ connectionString: embeddedUrl(platform.postgresPort, 'postgres') });
    await observer.connect();
    try {
      for (let i = 0; ; i++) {
        const { rows } = await observer.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active' AND query LIKE 'DO %'`, [holderPid]);
        if (rows.length > 0) break;
        if (i > 200) throw new Error('the busy loop did not start');
        await sleep(25);
      }
    } finally {
      await observer.end();
    }
    await sleep(100);
    const postmaster = platform.postmasterPid();

    process.kill(postmaster, 'SIGKILL');
    const killedAt = Date.now();
    const outage = await observeOutage(killedAt, postmaster, 'DURING-SERVER-KILL');
    await busy;
    await holder.end().catch(() => undefined);
    console.log(report('SIGKILL of the postmaster', outage));

    expect(outage.unexpected).toEqual([]);
    expect(outage.firstUnavailableMs).not.toBeNull();
    expect(outage.readyMs).not.toBeNull();
    expect(outage.readyMs!).toBeLessThan(RECOVERY_MS);
    expect(platform.postmasterPid()).not.toBe(postmaster);
    expect(platform.output).toContain('embedded PostgreSQL server exited unexpectedly; restarting it');
    expect(platform.output).toContain('is still in use'); // the first attempts met the lingering backend
    expect(platform.output).toContain('embedded PostgreSQL server restarted');
    await expectWorking('AFTER-SERVER-KILL');
    await expectOutcomesKept(outage);
  }, 90_000);

  it('SIGKILL of the process that supervises the server → its server is replaced, ready again within 45 s', async () => {
    const postmaster = platform.postmasterPid();
    const supervisor = Number((await exec('ps', ['-o', 'ppid=', '-p', String(postmaster)])).stdout.trim());
    expect(supervisor).toBeGreaterThan(1);

    process.kill(supervisor, 'SIGKILL');
    const killedAt = Date.now();
    const outage = await observeOutage(killedAt, postmaster, 'DURING-SUPERVISOR-KILL');
    console.log(report('SIGKILL of db-process', outage));

    expect(outage.unexpected).toEqual([]);
    expect(outage.readyMs).not.toBeNull();
    expect(outage.readyMs!).toBeLessThan(RECOVERY_MS);
    expect(platform.postmasterPid()).not.toBe(postmaster);
    expect(platform.output).toContain('the embedded PostgreSQL supervisor process exited unexpectedly; restarting it');
    await expectWorking('AFTER-SUPERVISOR-KILL');
    await expectOutcomesKept(outage);

    // Ctrl-C still stops everything, the replaced server included.
    const stopped = await platform.stop();
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(15_000);
    expect(() => platform.postmasterPid()).toThrow(); // a clean stop removes postmaster.pid
  }, 90_000);
});
