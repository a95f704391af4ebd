import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { rawRequest } from '@datamingle/testing';

const exec = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..', '..');

const isFree = (port: number) =>
  new Promise<boolean>((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });

/** A port p such that p and p + 100 are free (services put their probes on transport port + 100). */
async function freePortPair(): Promise<number> {
  for (;;) {
    const p = 20_000 + Math.floor(Math.random() * 30_000);
    if ((await isFree(p)) && (await isFree(p + 100))) return p;
  }
}

describe('npm start (the launcher)', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let launcher: ChildProcess | null = null;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'dm-launcher-'));
    env = {
      ...process.env,
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      GATEWAY_PORT: String(await freePortPair()),
      EMBEDDED_POSTGRES_PORT: String(await freePortPair()),
      ORDERS_URL: `127.0.0.1:${await freePortPair()}`,
      CATALOG_URL: `127.0.0.1:${await freePortPair()}`,
      INVENTORY_URL: `127.0.0.1:${await freePortPair()}`,
      LOG_LEVEL: 'warn',
    };
  });

  afterAll(async () => {
    if (launcher && launcher.exitCode === null) launcher.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<string> {
    const child = spawn(process.execPath, [join(ROOT, 'apps', 'launcher', 'dist', 'main.js')], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    launcher = child;
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`launcher not ready in time:\n${out}`)), 90_000);
      const check = () => {
        if (out.includes('Datamingle is running')) {
          clearTimeout(timer);
          res();
        }
      };
      child.stdout!.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        rej(new Error(`launcher exited with ${code}:\n${out}`));
      });
    });
    return out;
  }

  async function stop(): Promise<{ code: number | null; ms: number }> {
    const child = launcher!;
    const started = Date.now();
    const code = await new Promise<number | null>((res) => {
      child.removeAllListeners('exit');
      child.once('exit', (c) => res(c));
      child.kill('SIGTERM');
    });
    return { code, ms: Date.now() - started };
  }

  const admin = async (...args: string[]) =>
    (await exec(process.execPath, [join(ROOT, 'apps', 'launcher', 'dist', 'admin.js'), ...args], { env, cwd: ROOT })).stdout;

  it('starts with no variables beyond ports, keeps data across a stop and a start, and stops cleanly on SIGTERM', async () => {
    const banner = await start();
    expect(banner).toContain('npm run -s admin -- tenant create acme');
    expect(banner).toContain(`http://localhost:${env['GATEWAY_PORT']}`);

    const tenant = JSON.parse(await admin('tenant', 'create', 'acme'));
    expect(tenant).toMatchObject({ slug: 'acme', integration_enabled: true });
    const key = (await admin('key', 'create', '--tenant', 'acme', '--name', 'staging integration')).trim();
    expect(key).toMatch(/^sk_live_[0-9A-Za-z]{32,}$/);
    const port = Number(env['GATEWAY_PORT']);
    const created = await rawRequest(port, 'POST', '/api/integrations/v1/products/', { key, body: { sku: 'KEEP-ME' } });
    expect(created.status).toBe(201);

    const first = await stop();
    expect(first.code).toBe(0);
    expect(first.ms).toBeLessThan(15_000);

    await start();
    const again = await rawRequest(port, 'GET', '/api/integrations/v1/products/KEEP-ME/', { key });
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual(created.body.data);
    // The CLI also works against the running platform's database.
    const keys = JSON.parse(await admin('key', 'list', '--tenant', 'acme'));
    expect(keys).toHaveLength(1);
    expect(JSON.stringify(keys)).not.toContain(key);

    const second = await stop();
    expect(second.code).toBe(0);
  }, 180_000);

  it('refuses an invalid configuration value, naming the variable', async () => {
    await expect(exec(process.execPath, [join(ROOT, 'apps', 'launcher', 'dist', 'main.js')], { env: { ...env, GATEWAY_PORT: 'eighty' } })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('GATEWAY_PORT'),
    });
  });
});
