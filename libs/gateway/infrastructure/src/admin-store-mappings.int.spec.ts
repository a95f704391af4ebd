/**
 * Field mappings on a real, migrated PostgreSQL (custom-integrations.md §2, §10.2; admin.md §4–5):
 * a partner from a template gets the template's mappings in its own transaction, at most one
 * active mapping per partner and resource (activation deactivates the previous one atomically, and
 * concurrent activations leave exactly one), every change bumps `revision` and `updated_at`, one
 * audit event per change, the rules read back in their key order, tenant isolation, and deletion
 * with the partner. Runs as the application role, like the gateway.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { CLI_AUDIT, partnerTemplateMappings, type AuditContext, type MappingView, type NewMapping, type StoreResult } from '@datamingle/gateway-domain';
import type { AdminStore } from './admin-store';
import type { GatewayStore } from './gateway-store';
import { openAdminDatabase, type AdminDatabase } from './testing-support/admin-database';

const USER_AUDIT: AuditContext = { actor: { type: 'user', id: randomUUID(), email: 'ops@acme.example' }, requestId: 'req-m', clientIp: '127.0.0.1' };

const valueOf = <T>(r: StoreResult<T>): T => {
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

const ordersMapping = (name: string | null, isActive = true, fieldMap: Record<string, string> = { OrderNbr: 'order_number' }): NewMapping => ({
  resource: 'orders',
  name,
  isActive,
  rules: { identifier_field: null, field_map: fieldMap, nested_mappings: [], static_values: {} },
});

describe('AdminStore field mappings on PostgreSQL', () => {
  let db: AdminDatabase | undefined;
  let owner: DataSource;
  let store: AdminStore;
  let gateway: GatewayStore;

  const newTenant = async (prefix: string) => gateway.createTenant(`${prefix}-${randomUUID().slice(0, 8)}`, prefix);
  const newPartner = async (tenantId: string, name: string, template = 'custom') => valueOf(await store.createPartner(tenantId, { name, template, defaultIdentifierField: null }, USER_AUDIT));
  const revisionOf = async (id: string): Promise<number> => (await owner.query(`SELECT revision FROM gateway.mappings WHERE id = $1`, [id]))[0].revision;
  const activeOf = async (partnerId: string, resource = 'orders'): Promise<string[]> =>
    (await owner.query(`SELECT id FROM gateway.mappings WHERE partner_id = $1 AND resource = $2 AND is_active`, [partnerId, resource])).map((r: { id: string }) => r.id);
  const auditRows = async (tenantId: string, like = 'mapping.%') =>
    owner.query(`SELECT action, actor, target, changes, request_id FROM gateway.audit_events WHERE tenant_id = $1 AND action LIKE $2 ORDER BY occurred_at, id`, [tenantId, like]);

  beforeAll(async () => {
    db = await openAdminDatabase('admin_store_mappings');
    ({ owner, store, gateway } = db);
  });

  afterAll(async () => {
    await db?.close();
  });

  it('creates the template’s mappings with the partner (one active per resource, named `<Template> – <resource>`, the partner.created event names them); custom creates none', async () => {
    const t = await newTenant('tpl');
    const partner = await newPartner(t.id, 'Acumatica (production)', 'acumatica');
    const page = valueOf(await store.listMappings(t.id, partner.id, {}, { limit: 50, after: null }));
    // Newest first: the template's order reversed.
    expect(page.data.map((m) => m.name)).toEqual(['Acumatica – locations', 'Acumatica – products', 'Acumatica – inventory', 'Acumatica – orders']);
    for (const m of page.data) {
      const expected = partnerTemplateMappings('acumatica').find((e) => e.resource === m.resource)!;
      expect(m).toEqual({
        id: expect.any(String),
        partner: partner.id,
        resource: expected.resource,
        name: expected.name,
        is_active: true,
        ...expected.rules,
        created_at: expect.any(String),
        updated_at: m.created_at,
      });
      // The key order of the rules is kept (json, not jsonb).
      expect(Object.keys(m.field_map)).toEqual(Object.keys(expected.rules.field_map));
    }
    const [created] = await auditRows(t.id, 'partner.created');
    expect(created.changes.mappings).toEqual([null, [...page.data].reverse().map((m) => m.id)]);
    expect(await auditRows(t.id)).toEqual([]);

    const custom = await newPartner(t.id, 'In-house', 'custom');
    expect(valueOf(await store.listMappings(t.id, custom.id, {}, { limit: 50, after: null })).data).toEqual([]);
    expect((await auditRows(t.id, 'partner.created'))[1].changes).not.toHaveProperty('mappings');
    expect(partnerTemplateMappings('netsuite').map((m) => m.name)).toEqual(['NetSuite – orders', 'NetSuite – products']);
  });

  it('creates, lists (filters, cursor pages), gets, replaces and deletes; the default name is `<partner> – <resource>`; one event each', async () => {
    const t = await newTenant('crud');
    const partner = await newPartner(t.id, 'Shop');
    const first = valueOf(await store.createMapping(t.id, partner.id, ordersMapping(null), USER_AUDIT));
    expect(first).toMatchObject({ partner: partner.id, resource: 'orders', name: 'Shop – orders', is_active: true, field_map: { OrderNbr: 'order_number' } });
    expect(first.created_at).toBe(first.updated_at);
    const draft = valueOf(await store.createMapping(t.id, partner.id, ordersMapping('draft', false), USER_AUDIT));
    const products = valueOf(
      await store.createMapping(t.id, partner.id, { resource: 'products', name: 'p', isActive: true, rules: { identifier_field: 'sku', field_map: {}, nested_mappings: [], static_values: { 'custom_fields.source': 'shop' } } }, USER_AUDIT),
    );
    expect(await activeOf(partner.id)).toEqual([first.id]);

    const all = valueOf(await store.listMappings(t.id, partner.id, {}, { limit: 2, after: null }));
    expect(all.data.map((m) => m.id)).toEqual([products.id, draft.id]);
    const rest = valueOf(await store.listMappings(t.id, partner.id, {}, { limit: 2, after: all.next }));
    expect([rest.data.map((m) => m.id), rest.next]).toEqual([[first.id], null]);
    expect(valueOf(await store.listMappings(t.id, partner.id, { resource: 'orders' }, { limit: 50, after: null })).data.map((m) => m.id)).toEqual([draft.id, first.id]);
    expect(valueOf(await store.listMappings(t.id, partner.id, { resource: 'orders', isActive: false }, { limit: 50, after: null })).data.map((m) => m.id)).toEqual([draft.id]);
    expect(await store.listMappings(t.id, randomUUID(), {}, { limit: 50, after: null })).toEqual({ ok: false, error: 'not_found' });
    expect(await store.getMapping(t.id, products.id)).toEqual(products);

    // Replace: the rules change, revision and updated_at move; the same rules again change nothing.
    const rules = { identifier_field: 'order_number', field_map: { Ref: 'external_order_id', OrderNbr: 'order_number' }, nested_mappings: [], static_values: { 'metadata.source': 'shop' } };
    const replaced = valueOf(await store.replaceMapping(t.id, first.id, { name: 'Shop orders', rules }, USER_AUDIT));
    expect(replaced).toMatchObject({ id: first.id, name: 'Shop orders', is_active: true, ...rules });
    expect(Object.keys(replaced.field_map)).toEqual(['Ref', 'OrderNbr']);
    expect(await revisionOf(first.id)).toBe(2);
    expect((await owner.query(`SELECT updated_at > created_at AS moved FROM gateway.mappings WHERE id = $1`, [first.id]))[0].moved).toBe(true);
    expect(valueOf(await store.replaceMapping(t.id, first.id, { rules }, USER_AUDIT))).toEqual(replaced);
    expect(await revisionOf(first.id)).toBe(2);

    expect(await store.deleteMapping(t.id, randomUUID(), USER_AUDIT)).toEqual({ ok: false, error: 'not_found' });
    expect(valueOf(await store.deleteMapping(t.id, draft.id, USER_AUDIT)).id).toBe(draft.id);
    expect(await store.getMapping(t.id, draft.id)).toBeNull();

    const rows = await auditRows(t.id);
    expect(rows.map((r: { action: string }) => r.action)).toEqual(['mapping.created', 'mapping.created', 'mapping.created', 'mapping.updated', 'mapping.deleted']);
    expect(rows[0]).toMatchObject({
      actor: USER_AUDIT.actor,
      request_id: 'req-m',
      target: { type: 'mapping', id: first.id, name: 'Shop – orders' },
      changes: { partner: [null, partner.id], resource: [null, 'orders'], name: [null, 'Shop – orders'], is_active: [null, true], field_map: [null, { OrderNbr: 'order_number' }] },
    });
    expect(rows[3]).toMatchObject({
      target: { id: first.id, name: 'Shop orders' },
      changes: { name: ['Shop – orders', 'Shop orders'], identifier_field: [null, 'order_number'], field_map: [{ OrderNbr: 'order_number' }, rules.field_map], static_values: [{}, rules.static_values] },
    });
    expect(Object.keys(rows[3].changes).sort()).toEqual(['field_map', 'identifier_field', 'name', 'static_values']);
    expect(rows[4]).toMatchObject({ target: { type: 'mapping', id: draft.id, name: 'draft' }, changes: {} });
  });

  it('activation deactivates the previous active mapping of the partner and resource in one transaction; both revisions move; one event naming the other', async () => {
    const t = await newTenant('act');
    const partner = await newPartner(t.id, 'ERP');
    const a = valueOf(await store.createMapping(t.id, partner.id, ordersMapping('a'), USER_AUDIT));
    const b = valueOf(await store.createMapping(t.id, partner.id, ordersMapping('b'), USER_AUDIT)); // active: deactivates a
    expect(await activeOf(partner.id)).toEqual([b.id]);
    expect(await revisionOf(a.id)).toBe(2);
    expect((await store.getMapping(t.id, a.id))!.is_active).toBe(false);

    const activated = valueOf(await store.setMappingActive(t.id, a.id, true, USER_AUDIT));
    expect(activated.is_active).toBe(true);
    expect(await activeOf(partner.id)).toEqual([a.id]);
    expect([await revisionOf(a.id), await revisionOf(b.id)]).toEqual([3, 2]);
    // Already active: nothing changes, no event.
    expect(valueOf(await store.setMappingActive(t.id, a.id, true, USER_AUDIT))).toEqual(activated);
    expect(await revisionOf(a.id)).toBe(3);
    const deactivated = valueOf(await store.setMappingActive(t.id, a.id, false, USER_AUDIT));
    expect(deactivated.is_active).toBe(false);
    expect(await activeOf(partner.id)).toEqual([]);
    expect(await revisionOf(a.id)).toBe(4);
    // A replacement that sets is_active activates it the same way.
    valueOf(await store.setMappingActive(t.id, b.id, true, USER_AUDIT));
    const viaPut = valueOf(await store.replaceMapping(t.id, a.id, { isActive: true, rules: { identifier_field: null, field_map: { OrderNbr: 'order_number' }, nested_mappings: [], static_values: {} } }, USER_AUDIT));
    expect(viaPut.is_active).toBe(true);
    expect(await activeOf(partner.id)).toEqual([a.id]);

    const rows = await auditRows(t.id);
    expect(rows.map((r: { action: string }) => r.action)).toEqual(['mapping.created', 'mapping.created', 'mapping.activated', 'mapping.deactivated', 'mapping.activated', 'mapping.activated']);
    expect(rows[1].changes.active_mapping).toEqual([a.id, b.id]);
    expect(rows[2]).toMatchObject({ target: { type: 'mapping', id: a.id, name: 'a' }, changes: { is_active: [false, true], active_mapping: [b.id, a.id] } });
    expect(rows[3].changes).toEqual({ is_active: [true, false] });
    expect(rows[4].changes).toEqual({ is_active: [false, true] }); // nothing else was active
    expect(rows[5].changes).toEqual({ is_active: [false, true], active_mapping: [b.id, a.id] });
  });

  it('concurrent activations and creations of one partner and resource leave exactly one active mapping', async () => {
    const t = await newTenant('race');
    const partner = await newPartner(t.id, 'Racer');
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(valueOf(await store.createMapping(t.id, partner.id, ordersMapping(`m${i}`, false), CLI_AUDIT)).id);
    const results = await Promise.all([
      ...ids.map((id) => store.setMappingActive(t.id, id, true, CLI_AUDIT)),
      store.createMapping(t.id, partner.id, ordersMapping('late', true), CLI_AUDIT),
      store.createMapping(t.id, partner.id, ordersMapping('later', true), CLI_AUDIT),
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await activeOf(partner.id)).toHaveLength(1);
    // Every activation after the first named the one it replaced.
    const activations = (await auditRows(t.id)).filter((r: { changes: { is_active?: [unknown, unknown] } }) => r.changes.is_active?.[1] === true);
    expect(activations.filter((r: { changes: Record<string, unknown> }) => r.changes['active_mapping'] === undefined)).toHaveLength(1);
  });

  it('isolates tenants: another tenant’s mapping is not found for any operation, nor its partner', async () => {
    const acme = await newTenant('iso-a');
    const globex = await newTenant('iso-g');
    const partner = await newPartner(acme.id, 'Acme partner');
    const m = valueOf(await store.createMapping(acme.id, partner.id, ordersMapping('mine'), USER_AUDIT));
    const rules = { identifier_field: null, field_map: {}, nested_mappings: [], static_values: {} };
    expect(await store.getMapping(globex.id, m.id)).toBeNull();
    expect(await store.replaceMapping(globex.id, m.id, { rules }, USER_AUDIT)).toEqual({ ok: false, error: 'not_found' });
    expect(await store.setMappingActive(globex.id, m.id, false, USER_AUDIT)).toEqual({ ok: false, error: 'not_found' });
    expect(await store.deleteMapping(globex.id, m.id, USER_AUDIT)).toEqual({ ok: false, error: 'not_found' });
    expect(await store.createMapping(globex.id, partner.id, ordersMapping(null), USER_AUDIT)).toEqual({ ok: false, error: 'not_found' });
    expect(await store.listMappings(globex.id, partner.id, {}, { limit: 50, after: null })).toEqual({ ok: false, error: 'not_found' });
    expect(await store.getMapping(acme.id, m.id)).toEqual(m);
    expect(await auditRows(globex.id)).toEqual([]);
  });

  it('deleting a partner deletes its mappings; a change whose audit event cannot be written changes nothing', async () => {
    const t = await newTenant('del');
    const partner = await newPartner(t.id, 'SAP', 'sap-business-one');
    const ids = valueOf(await store.listMappings(t.id, partner.id, {}, { limit: 50, after: null })).data.map((m: MappingView) => m.id);
    expect(ids).toHaveLength(3);
    const bad = { ...USER_AUDIT, requestId: 'bad\u0000id' };
    await expect(store.setMappingActive(t.id, ids[0]!, false, bad)).rejects.toThrow();
    await expect(store.createMapping(t.id, partner.id, ordersMapping('x'), bad)).rejects.toThrow();
    expect(await activeOf(partner.id)).toHaveLength(1);
    expect(valueOf(await store.listMappings(t.id, partner.id, {}, { limit: 50, after: null })).data.map((m) => m.id)).toEqual(ids);
    await expect(store.createPartner(t.id, { name: 'Shopify', template: 'shopify', defaultIdentifierField: null }, bad)).rejects.toThrow();
    expect((await owner.query(`SELECT count(*)::int AS n FROM gateway.mappings WHERE tenant_id = $1`, [t.id]))[0].n).toBe(3);

    valueOf(await store.deletePartner(t.id, partner.id, USER_AUDIT));
    expect((await owner.query(`SELECT count(*)::int AS n FROM gateway.mappings WHERE partner_id = $1`, [partner.id]))[0].n).toBe(0);
  });
});
