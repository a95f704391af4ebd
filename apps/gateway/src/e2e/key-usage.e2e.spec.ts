import type { Client } from 'pg';
import { startTestPlatform, type TestPlatform } from '@datamingle/testing';
import { connectDb, stopAll } from './testing-support/e2e-setup';
import { sleep } from './testing-support/raw-socket';

/**
 * `last_used_at` moves only for a key that passed authentication (auth-and-keys.md §2 steps 1–3):
 * never for a key presented on another tenant's host, nor for an expired one (issue 9, finding 6).
 * The gateway writes usage in batches; stopping it (SIGTERM) flushes them.
 */
describe('last_used_at', () => {
  let platform: TestPlatform;
  let db: Client;

  beforeAll(async () => {
    platform = await startTestPlatform();
    await platform.createTenant('acme');
    await platform.createTenant('globex');
    db = await connectDb(platform);
  }, 60_000);

  afterAll(() => stopAll(platform, db));

  const lastUsed = async (id: string): Promise<Date | null> =>
    (await db.query<{ last_used_at: Date | null }>('SELECT last_used_at FROM gateway.api_keys WHERE id = $1', [id])).rows[0]!.last_used_at;

  /** Stops the gateway gracefully (it flushes the usage it holds) and starts it again. */
  const flushUsage = async () => {
    await platform.kill('gateway', 'SIGTERM');
    await platform.start('gateway');
  };

  it('does not move for a key refused on another tenant host or after its expiry, and moves once it is accepted', async () => {
    const acme = await platform.createKey('acme', { name: 'acme key' });
    // Far enough ahead that the CLI accepts it on a busy machine; then wait until it has passed.
    const expiresAt = Date.now() + 6_000;
    const soon = await platform.createKey('acme', { name: 'expiring', expiresAt: new Date(expiresAt).toISOString() });
    await sleep(Math.max(0, expiresAt - Date.now()) + 200);

    const otherHost = await platform.request('GET', '/api/integrations/v1/orders/', { key: acme.key, host: 'globex.localhost' });
    expect(otherHost.status).toBe(401);
    const expired = await platform.request('GET', '/api/integrations/v1/orders/', { key: soon.key });
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('KEY_EXPIRED');
    await flushUsage();
    expect(await lastUsed(acme.id)).toBeNull();
    expect(await lastUsed(soon.id)).toBeNull();

    const before = Date.now();
    expect((await platform.request('GET', '/api/integrations/v1/orders/', { key: acme.key })).status).toBe(200);
    await flushUsage();
    const used = await lastUsed(acme.id);
    expect(used).not.toBeNull();
    expect(used!.getTime()).toBeGreaterThanOrEqual(before - 1_000);
    expect(await lastUsed(soon.id)).toBeNull();
  }, 60_000);
});
