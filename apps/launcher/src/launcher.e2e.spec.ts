import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { rawRequest } from '@datamingle/testing';
import { LAUNCHER_MAIN, LauncherHarness } from './testing-support/launcher-harness';

const exec = promisify(execFile);

describe('npm start (the launcher)', () => {
  let platform: LauncherHarness;

  beforeAll(async () => {
    platform = await new LauncherHarness().init();
  });

  afterAll(async () => {
    await platform.dispose();
  }, 30_000);

  it('starts with no variables beyond ports, keeps data across a stop and a start, and stops cleanly on SIGTERM', async () => {
    const banner = await platform.start();
    expect(banner).toContain('npm run -s admin -- tenant create acme');
    expect(banner).toContain(`http://localhost:${platform.gatewayPort}`);

    const tenant = JSON.parse(await platform.admin('tenant', 'create', 'acme'));
    expect(tenant).toMatchObject({ slug: 'acme', integration_enabled: true });
    const key = (await platform.admin('key', 'create', '--tenant', 'acme', '--name', 'staging integration')).trim();
    expect(key).toMatch(/^sk_live_[0-9A-Za-z]{32,}$/);
    const port = platform.gatewayPort;
    const created = await rawRequest(port, 'POST', '/api/integrations/v1/products/', { key, body: { sku: 'KEEP-ME' } });
    expect(created.status).toBe(201);

    const first = await platform.stop();
    expect(first.code).toBe(0);
    expect(first.ms).toBeLessThan(15_000);

    await platform.start();
    const again = await rawRequest(port, 'GET', '/api/integrations/v1/products/KEEP-ME/', { key });
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual(created.body.data);
    // The CLI also works against the running platform's database.
    const keys = JSON.parse(await platform.admin('key', 'list', '--tenant', 'acme'));
    expect(keys).toHaveLength(1);
    expect(JSON.stringify(keys)).not.toContain(key);

    const second = await platform.stop();
    expect(second.code).toBe(0);
  }, 180_000);

  it('refuses an invalid configuration value, naming the variable', async () => {
    await expect(exec(process.execPath, [LAUNCHER_MAIN], { env: { ...platform.env, GATEWAY_PORT: 'eighty' } })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('GATEWAY_PORT'),
    });
  });
});
