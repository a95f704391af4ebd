/**
 * The admin CLI's `tenant update <slug> --log-retention-days N` (integration-logs.md §4: 90 days by
 * default, longer per tenant by the operator), run as the built CLI against a fresh database: the
 * tenant with its retention, the audit event with actor `{"type": "cli"}`, the limits refused.
 */
import { startAdminCli, type AdminCli } from './testing-support/admin-cli';

describe('admin CLI: integration log retention', () => {
  let cli: AdminCli;

  beforeAll(async () => {
    cli = await startAdminCli('admin_cli_log_retention', ['acme', 'globex']);
  }, 60_000);

  afterAll(async () => {
    await cli?.close();
  });

  const retention = async (slug: string) => (await cli.db.query(`SELECT log_retention_days FROM gateway.tenants WHERE slug = $1`, [slug])).rows[0].log_retention_days;

  it('sets a tenant’s retention (audited), leaving the others at 90 days', async () => {
    expect(await retention('acme')).toBe(90);
    const out = JSON.parse(await cli.admin('tenant', 'update', 'acme', '--log-retention-days', '365'));
    expect(out).toMatchObject({ slug: 'acme', log_retention_days: 365 });
    expect(await retention('acme')).toBe(365);
    expect(await retention('globex')).toBe(90);
    const events = (await cli.db.query(`SELECT action, actor, target, changes FROM gateway.audit_events WHERE action = 'settings.updated'`)).rows;
    expect(events).toEqual([{ action: 'settings.updated', actor: { type: 'cli' }, target: { type: 'settings', id: out.id, name: 'acme' }, changes: { log_retention_days: [90, 365] } }]);
   }, 30_000);

  it('refuses fewer than 90 or more than 3650 days, a missing value and an unknown tenant', async () => {
    await expect(cli.run('tenant', 'update', 'acme', '--log-retention-days', '89')).rejects.toThrow(/--log-retention-days must be a whole number of days from 90 to 3650/);
    await expect(cli.run('tenant', 'update', 'acme', '--log-retention-days', '3651')).rejects.toThrow(/from 90 to 3650/);
    await expect(cli.run('tenant', 'update', 'acme', '--log-retention-days', '120.5')).rejects.toThrow(/from 90 to 3650/);
    await expect(cli.run('tenant', 'update', 'acme')).rejects.toThrow(/needs --log-retention-days/);
    await expect(cli.run('tenant', 'update', 'nope', '--log-retention-days', '120')).rejects.toThrow(/tenant 'nope' does not exist/);
    expect(await retention('acme')).toBe(365);
    // Five CLI processes, each starting Node and connecting: 5 s (jest's default) was too little
    // on a loaded CI machine.
  }, 60_000);
});
