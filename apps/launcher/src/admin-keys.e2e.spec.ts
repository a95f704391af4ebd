/**
 * The admin CLI's key rate limit (auth-and-keys.md §4.1 `rate_limit_per_second`,
 * limits-and-versioning.md §4): `key create --rate-limit N` and `key update --rate-limit N|none`,
 * with their audit events, run as the built CLI against a fresh database.
 */
import { startAdminCli, type AdminCli } from './testing-support/admin-cli';


describe('admin CLI: key rate limit', () => {
  let cli: AdminCli;
  const run = (...args: string[]) => cli.run(...args);
  const admin = (...args: string[]) => cli.admin(...args);

  beforeAll(async () => {
    cli = await startAdminCli('admin_cli_keys');
  }, 60_000);

  afterAll(async () => {
    await cli?.close();
  });

  it('sets the rate limit at creation, changes and removes it with key update, and refuses values outside 1-10000', async () => {
    const created = await run('key', 'create', '--tenant', 'acme', '--name', 'limited', '--rate-limit', '20');
    const view = JSON.parse(created.stderr);
    expect(view.rate_limit_per_second).toBe(20);
    const changed = JSON.parse(await admin('key', 'update', '--tenant', 'acme', view.id, '--rate-limit', '10000'));
    expect(changed.rate_limit_per_second).toBe(10_000);
    const removed = JSON.parse(await admin('key', 'update', '--tenant', 'acme', view.id, '--rate-limit', 'none'));
    expect(removed.rate_limit_per_second).toBeNull();
    for (const bad of ['0', '10001', '1.5', 'x']) {
      await expect(admin('key', 'update', '--tenant', 'acme', view.id, '--rate-limit', bad)).rejects.toThrow(/--rate-limit must be an integer from 1 to 10000 or 'none'/);
    }
    await expect(admin('key', 'create', '--tenant', 'acme', '--name', 'x', '--rate-limit', 'none')).rejects.toThrow(/--rate-limit must be an integer from 1 to 10000$/);
    await expect(admin('key', 'update', '--tenant', 'acme', '00000000-0000-4000-8000-000000000000', '--rate-limit', '5')).rejects.toThrow(/does not exist/);
    const stored = (await cli.db.query(`SELECT rate_limit_per_second FROM gateway.api_keys WHERE id = $1`, [view.id])).rows[0];
    expect(stored.rate_limit_per_second).toBeNull();
    const events = (await cli.db.query(`SELECT action, actor, changes FROM gateway.audit_events WHERE target->>'id' = $1 ORDER BY occurred_at, id`, [view.id])).rows;
    expect(events.map((e: { action: string }) => e.action)).toEqual(['api_key.created', 'api_key.updated', 'api_key.updated']);
    expect(events[1]).toEqual({ action: 'api_key.updated', actor: { type: 'cli' }, changes: { rate_limit_per_second: [20, 10_000] } });
    expect(events[2].changes).toEqual({ rate_limit_per_second: [10_000, null] });
  }, 60_000);
});
