/**
 * The admin CLI's partner commands (platform.md: `partner create|list`, `key create --partner`)
 * and their audit events with actor `{"type": "cli"}` (admin.md §5), run as the built CLI against
 * a fresh database.
 */
import { startAdminCli, type AdminCli } from './testing-support/admin-cli';


describe('admin CLI: partners', () => {
  let cli: AdminCli;
  let db: AdminCli['db'];
  const run = (...args: string[]) => cli.run(...args);
  const admin = (...args: string[]) => cli.admin(...args);

  beforeAll(async () => {
    cli = await startAdminCli('admin_cli_partners', ['acme', 'globex']);
    db = cli.db;
  }, 60_000);

  afterAll(async () => {
    await cli?.close();
  });

  it('partner create prints the partner as JSON (template slug, the template’s default identifier field), partner list the tenant’s partners', async () => {
    const netsuite = JSON.parse(await admin('partner', 'create', '--tenant', 'acme', '--name', 'NetSuite (prod)', '--template', 'netsuite'));
    expect(netsuite).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'NetSuite (prod)',
      template: 'netsuite',
      default_identifier_field: 'external_order_id',
      created_at: expect.stringMatching(/Z$/),
      updated_at: expect.stringMatching(/Z$/),
    });
    const custom = JSON.parse(await admin('partner', 'create', '--tenant', 'acme', '--name', 'In-house'));
    expect(custom).toMatchObject({ template: 'custom', default_identifier_field: null });
    const own = JSON.parse(await admin('partner', 'create', '--tenant', 'acme', '--name', 'Shop', '--template', 'shopify', '--default-identifier-field', 'order_number'));
    expect(own).toMatchObject({ template: 'shopify', default_identifier_field: 'order_number' });
    await admin('partner', 'create', '--tenant', 'globex', '--name', 'Globex only');
    const list = JSON.parse(await admin('partner', 'list', '--tenant', 'acme'));
    expect(list.map((p: { name: string }) => p.name)).toEqual(['NetSuite (prod)', 'In-house', 'Shop']);
    expect(JSON.parse(await admin('partner', 'list', '--tenant', 'globex')).map((p: { name: string }) => p.name)).toEqual(['Globex only']);
    const events = (await db.query(`SELECT action, actor, target, changes FROM gateway.audit_events WHERE action = 'partner.created' ORDER BY occurred_at, id`)).rows;
    expect(events).toHaveLength(4);
    expect(events[0]).toEqual({
      action: 'partner.created',
      actor: { type: 'cli' },
      target: { type: 'partner', id: netsuite.id, name: 'NetSuite (prod)' },
      changes: { name: [null, 'NetSuite (prod)'], template: [null, 'netsuite'], default_identifier_field: [null, 'external_order_id'], mappings: [null, expect.any(Array)] },
    });
    // The template's mappings came with the partner (custom-integrations.md §10.2): NetSuite covers orders and products.
    const mappings = (await db.query(`SELECT id, resource, name, is_active FROM gateway.mappings WHERE partner_id = $1 ORDER BY resource`, [netsuite.id])).rows;
    expect(mappings.map((m) => [m.resource, m.name, m.is_active])).toEqual([
      ['orders', 'NetSuite \u2013 orders', true],
      ['products', 'NetSuite \u2013 products', true],
    ]);
    expect([...events[0].changes.mappings[1]].sort()).toEqual(mappings.map((m) => m.id).sort());
    // From scratch (custom): no mapping.
    expect((await db.query(`SELECT count(*)::int AS n FROM gateway.mappings WHERE partner_id = $1`, [custom.id])).rows[0].n).toBe(0);
  }, 60_000);

  it('refuses a duplicate name (any case), an unknown template, a bad identifier field, a missing --name and an unknown tenant', async () => {
    await expect(admin('partner', 'create', '--tenant', 'acme', '--name', 'netsuite (PROD)')).rejects.toThrow(/already exists/);
    await expect(admin('partner', 'create', '--tenant', 'acme', '--name', 'X', '--template', 'oracle')).rejects.toThrow(/--template: "oracle" is not a valid choice.*acumatica, sap-business-one, netsuite, shopify, logo-erp, mikro-erp, custom/);
    await expect(admin('partner', 'create', '--tenant', 'acme', '--name', 'X', '--default-identifier-field', 'Order-No')).rejects.toThrow(/--default-identifier-field/);
    await expect(admin('partner', 'create', '--tenant', 'acme')).rejects.toThrow(/--name is required/);
    await expect(admin('partner', 'list', '--tenant', 'nope')).rejects.toThrow(/tenant 'nope' does not exist/);
    expect(Number((await db.query(`SELECT count(*) FROM gateway.partners`)).rows[0].count)).toBe(4);
  }, 60_000);

  it('key create --partner takes the partner’s id or name; another tenant’s or an unknown partner is refused and no key is made', async () => {
    const [shop] = (await db.query(`SELECT id FROM gateway.partners WHERE name = 'Shop'`)).rows;
    const byName = await run('key', 'create', '--tenant', 'acme', '--name', 'shop key', '--partner', 'shop');
    expect(byName.stdout).toMatch(/^sk_live_[0-9A-Za-z]+\n$/);
    expect(JSON.parse(byName.stderr)).toMatchObject({ name: 'shop key', partner: shop.id });
    const byId = await run('key', 'create', '--tenant', 'acme', '--name', 'shop key 2', '--partner', shop.id.toUpperCase());
    expect(JSON.parse(byId.stderr)).toMatchObject({ partner: shop.id });
    await expect(admin('key', 'create', '--tenant', 'acme', '--name', 'x', '--partner', 'Globex only')).rejects.toThrow(/partner 'Globex only' does not exist in tenant 'acme'/);
    await expect(admin('key', 'create', '--tenant', 'acme', '--name', 'x', '--partner', '00000000-0000-4000-8000-000000000000')).rejects.toThrow(/does not exist/);
    const keys = JSON.parse(await admin('key', 'list', '--tenant', 'acme'));
    expect(keys.map((k: { name: string; partner: string | null }) => [k.name, k.partner]).sort((a: string[], b: string[]) => (a[0]! < b[0]! ? -1 : 1))).toEqual([
      ['shop key', shop.id],
      ['shop key 2', shop.id],
    ]);
    const created = (await db.query(`SELECT actor, changes FROM gateway.audit_events WHERE action = 'api_key.created' ORDER BY occurred_at, id`)).rows;
    expect(created.map((e) => [e.actor, e.changes.partner])).toEqual([
      [{ type: 'cli' }, [null, shop.id]],
      [{ type: 'cli' }, [null, shop.id]],
    ]);
  }, 60_000);
});
