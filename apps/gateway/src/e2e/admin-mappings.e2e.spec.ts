/**
 * Field mappings, preview and templates on the admin API through the real gateway
 * (custom-integrations.md §2, §10; admin.md §4–5): a partner from a template gets the template's
 * mappings; create, list (filters, cursor pages), get, replace and delete; save-time errors with
 * paths; activation deactivating the previous active mapping atomically (also under concurrent
 * activations); the viewer reads and previews but cannot write; tenant isolation; the preview
 * (inline mapping, stored mapping, a mapping error); templates; audit events; deletion with the
 * partner. Every response is checked against the admin OpenAPI document by the e2e harness.
 */
import type { Client } from 'pg';
import type { ApiResponse } from '@datamingle/testing';
import { adminRequest, signIn, type AdminSession } from './testing-support/admin-client';
import { connectDb, startWithKey, stopAll, type PlatformWithKey } from './testing-support/e2e-setup';

const VIEWER_PASSWORD = 'viewer password that is long';
const MISSING = '00000000-0000-4000-8000-000000000000';
const RESOURCES = ['orders', 'inventory', 'products', 'locations'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('admin API: field mappings, preview and templates', () => {
  let started: PlatformWithKey;
  let db: Client;
  let admin: AdminSession;
  let viewer: AdminSession;
  let globexAdmin: AdminSession;

  const req = (session: AdminSession, method: string, path: string, body?: unknown): Promise<ApiResponse> =>
    adminRequest(started.platform, session, method, path, body === undefined ? {} : { body });
  const data = async (session: AdminSession, method: string, path: string, body?: unknown): Promise<Json> => {
    const res = await req(session, method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${res.text}`);
    return res.body.data;
  };
  const newPartner = (name: string, template = 'custom'): Promise<Json> => data(admin, 'POST', 'partners/', { name, template });
  const mappingsOf = async (partnerId: string, query = ''): Promise<Json[]> => data(admin, 'GET', `partners/${partnerId}/mappings/?limit=200${query}`);
  const activeIds = async (partnerId: string, resource: string): Promise<string[]> =>
    (await db.query(`SELECT id FROM gateway.mappings WHERE partner_id = $1 AND resource = $2 AND is_active`, [partnerId, resource])).rows.map((r: { id: string }) => r.id);
  const audit = async (targetId: string) =>
    (await db.query(`SELECT action, actor, target, changes, request_id FROM gateway.audit_events WHERE tenant_id = $1 AND target->>'id' = $2 ORDER BY occurred_at, id`, [started.tenantId, targetId])).rows;

  beforeAll(async () => {
    started = await startWithKey('integration key');
    const { platform } = started;
    await platform.createTenant('globex');
    await Promise.all([
      platform.createUser('acme', 'ops@acme.example', 'correct horse battery staple'),
      platform.createUser('acme', 'viewer@acme.example', VIEWER_PASSWORD, { role: 'viewer' }),
      platform.createUser('globex', 'ops@globex.example', 'correct horse battery staple'),
    ]);
    admin = await signIn(platform, 'ops@acme.example');
    viewer = await signIn(platform, 'viewer@acme.example', VIEWER_PASSWORD);
    globexAdmin = await signIn(platform, 'ops@globex.example', undefined, 'globex.localhost');
    db = await connectDb(platform);
  }, 120_000);

  afterAll(async () => {
    await stopAll(started?.platform, db);
  });

  it('templates: all seven in the §10.1 order with their mappings; one by slug; 404 for an unknown one', async () => {
    const all = await req(viewer, 'GET', 'templates/');
    expect(all.status).toBe(200);
    expect(all.body.data.map((t: Json) => [t.slug, t.name, t.resources])).toEqual([
      ['acumatica', 'Acumatica', ['orders', 'inventory', 'products', 'locations']],
      ['sap-business-one', 'SAP Business One', ['orders', 'inventory', 'products']],
      ['netsuite', 'NetSuite', ['orders', 'products']],
      ['shopify', 'Shopify', ['orders', 'products', 'inventory']],
      ['logo-erp', 'Logo ERP', ['orders', 'products']],
      ['mikro-erp', 'Mikro ERP', ['orders', 'products']],
      ['custom', 'Custom', []],
    ]);
    const netsuite = await req(viewer, 'GET', 'templates/netsuite/');
    expect(netsuite.body.data).toEqual(all.body.data[2]);
    expect(netsuite.body.data).toMatchObject({ version: 1, default_identifier_field: 'external_order_id', mappings: { orders: { identifier_field: 'external_order_id' } } });
    expect(Object.keys(netsuite.body.data.mappings.orders)).toEqual(['identifier_field', 'field_map', 'nested_mappings', 'static_values']);
    const acumatica = (await req(viewer, 'GET', 'templates/acumatica')).body.data;
    expect(acumatica.mappings.orders.field_map).toMatchObject({ OrderNbr: 'order_number', 'BillToContact.Email': 'customer_info.email' });
    expect((await req(viewer, 'GET', 'templates/custom/')).body.data).toMatchObject({ resources: [], mappings: {} });
    const unknown = await req(viewer, 'GET', 'templates/oracle/');
    expect([unknown.status, unknown.body.error.code, unknown.body.error.message]).toEqual([404, 'NOT_FOUND', "Template 'oracle' not found."]);
    expect((await req(viewer, 'POST', 'templates/')).status).toBe(405);
  });

  it('a partner from the acumatica template gets four active mappings named `Acumatica – <resource>`, copies of the template; custom gets none', async () => {
    const partner = await newPartner('Acumatica (production)', 'acumatica');
    const template = (await data(admin, 'GET', 'templates/acumatica/')) as Json;
    const mappings = await mappingsOf(partner.id);
    expect(mappings.map((m) => m.name).sort()).toEqual(RESOURCES.map((r) => `Acumatica \u2013 ${r}`).sort());
    for (const m of mappings) {
      expect(m).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        partner: partner.id,
        resource: m.resource,
        name: `Acumatica \u2013 ${m.resource}`,
        is_active: true,
        ...template.mappings[m.resource],
        created_at: expect.stringMatching(/Z$/),
        updated_at: m.created_at,
      });
      // The rules read back in the order they were written.
      expect(Object.keys(m.field_map)).toEqual(Object.keys(template.mappings[m.resource].field_map));
    }
    const [created] = (await audit(partner.id)).filter((e: Json) => e.action === 'partner.created');
    expect(created.changes.mappings[1].sort()).toEqual(mappings.map((m) => m.id).sort());
    const custom = await newPartner('From scratch');
    expect(await mappingsOf(custom.id)).toEqual([]);
  });

  it('creates (201; is_active default true, name default `<partner> – <resource>`), lists with filters and cursor pages, gets, replaces (200) and deletes (204)', async () => {
    const partner = await newPartner('Warehouse ERP');
    const created = await req(admin, 'POST', `partners/${partner.id}/mappings/`, { resource: 'orders', field_map: { OrderNbr: 'order_number', Ref: 'external_order_id' } });
    expect(created.status).toBe(201);
    const first = created.body.data;
    expect(first).toEqual({
      id: expect.any(String),
      partner: partner.id,
      resource: 'orders',
      name: 'Warehouse ERP \u2013 orders',
      is_active: true,
      identifier_field: null,
      field_map: { OrderNbr: 'order_number', Ref: 'external_order_id' },
      nested_mappings: [],
      static_values: {},
      created_at: expect.any(String),
      updated_at: first.created_at,
    });
    const draft = await data(admin, 'POST', `partners/${partner.id}/mappings/`, { resource: 'orders', name: 'Orders v2', is_active: false, identifier_field: 'external_order_id' });
    const products = await data(admin, 'POST', `partners/${partner.id}/mappings/`, {
      resource: 'products',
      name: 'Products',
      field_map: { ItemCode: 'sku', Description: 'name' },
      static_values: { 'custom_fields.source': 'warehouse-erp' },
    });
    expect(await activeIds(partner.id, 'orders')).toEqual([first.id]);

    const page1 = await req(admin, 'GET', `partners/${partner.id}/mappings/?limit=2`);
    expect(page1.body.data.map((m: Json) => m.id)).toEqual([products.id, draft.id]);
    const page2 = await req(admin, 'GET', `partners/${partner.id}/mappings/?limit=2&cursor=${page1.body.pagination.next_cursor}`);
    expect([page2.body.data.map((m: Json) => m.id), page2.body.pagination.next_cursor]).toEqual([[first.id], null]);
    expect((await mappingsOf(partner.id, '&resource=orders')).map((m) => m.id)).toEqual([draft.id, first.id]);
    expect((await mappingsOf(partner.id, '&resource=orders&is_active=false')).map((m) => m.id)).toEqual([draft.id]);
    const badFilter = await req(admin, 'GET', `partners/${partner.id}/mappings/?resource=customers&is_active=maybe`);
    expect([badFilter.status, badFilter.body.error.details]).toEqual([400, { resource: ['"customers" is not a valid choice.'], is_active: ['Must be a valid boolean.'] }]);
    const noPartner = await req(admin, 'GET', `partners/${MISSING}/mappings/`);
    expect([noPartner.status, noPartner.body.error.message]).toEqual([404, `Partner '${MISSING}' not found.`]);
    expect((await req(admin, 'POST', `partners/${MISSING}/mappings/`, { resource: 'orders' })).status).toBe(404);

    expect((await req(viewer, 'GET', `mappings/${products.id}/`)).body.data).toEqual(products);
    const missing = await req(admin, 'GET', `mappings/${MISSING}/`);
    expect([missing.status, missing.body.error.message]).toEqual([404, `Mapping '${MISSING}' not found.`]);

    // PUT replaces the rules; the representation sent back as it was read is accepted (read-only fields ignored).
    const replaced = await req(admin, 'PUT', `mappings/${products.id}/`, { ...products, name: 'Products v2', field_map: { ItemCode: 'sku', Title: 'name' } });
    expect(replaced.status).toBe(200);
    expect(replaced.body.data).toEqual({ ...products, name: 'Products v2', field_map: { ItemCode: 'sku', Title: 'name' }, updated_at: expect.any(String) });
    expect(Date.parse(replaced.body.data.updated_at)).toBeGreaterThanOrEqual(Date.parse(products.updated_at));
    // Absent rules take their defaults; absent name and is_active keep theirs.
    const bare = await data(admin, 'PUT', `mappings/${products.id}`, { resource: 'products' });
    expect(bare).toMatchObject({ name: 'Products v2', is_active: true, identifier_field: null, field_map: {}, nested_mappings: [], static_values: {} });
    const moved = await req(admin, 'PUT', `mappings/${products.id}/`, { resource: 'orders' });
    expect([moved.status, moved.body.error.code, moved.body.error.details]).toEqual([400, 'VALIDATION_ERROR', { resource: ['This field cannot be changed.'] }]);
    expect((await req(admin, 'PUT', `mappings/${MISSING}/`, { resource: 'orders' })).status).toBe(404);
    expect((await db.query(`SELECT revision FROM gateway.mappings WHERE id = $1`, [products.id])).rows[0].revision).toBe(3);

    expect((await req(admin, 'DELETE', `mappings/${draft.id}/`)).status).toBe(204);
    expect((await req(admin, 'GET', `mappings/${draft.id}/`)).status).toBe(404);
    expect((await req(admin, 'DELETE', `mappings/${draft.id}/`)).status).toBe(404);
  });

  it('refuses a mapping that fails the save-time rules: 400 VALIDATION_ERROR with the paths of §2.4', async () => {
    const partner = await newPartner('Strict ERP');
    const res = await req(admin, 'POST', `partners/${partner.id}/mappings/`, {
      resource: 'orders',
      identifier_field: 'sku',
      field_map: { Total: 'total_amount', Memo: 'notes', Remark: 'notes', 'Lines[0].Memo': 'items[0].notes', 'a..b': 'notes' },
      nested_mappings: [{ source: 'Lines', target: 'inventory', field_map: { Item: 'sku_code' } }],
      static_values: { status: 'draft' },
      colour: 'red',
    });
    expect([res.status, res.body.error.code]).toEqual([400, 'VALIDATION_ERROR']);
    expect(res.body.error.details).toEqual({
      colour: ['Unknown field.'],
      identifier_field: ['"sku" is not a valid choice.'],
      'field_map.Total': ['"total_amount" is not a field of orders.'],
      'field_map.a..b': ['"a..b" is not a valid path.'],
      'static_values.status': ['"status" is not a request field of orders.'],
      'nested_mappings[0].target': ['orders nested mappings must target "items".'],
      'field_map.Remark': ['The target "notes" is already used in this mapping.'],
    });
    const nested = await req(admin, 'POST', `partners/${partner.id}/mappings/`, {
      resource: 'orders',
      field_map: { 'Lines[0].Memo': 'items[0].notes' },
      nested_mappings: [{ source: 'Lines', target: 'items', field_map: { Item: 'sku_code', Sku: 'sku_code' } }],
    });
    expect(nested.body.error.details).toEqual({
      'nested_mappings[0].field_map.Sku': ['The target "sku_code" is already used in this nested mapping.'],
      'field_map.Lines[0].Memo': ['The target "items[0].notes" lies inside the nested target "items".'],
    });
    expect((await req(admin, 'POST', `partners/${partner.id}/mappings/`, {})).body.error.details).toEqual({ resource: ['This field is required.'] });
    expect((await req(admin, 'POST', `partners/${partner.id}/mappings/`, { resource: 'inventory', identifier_field: 'code' })).body.error.details).toEqual({
      identifier_field: ['"code" is not a valid choice.'],
    });
    // Strings PostgreSQL cannot store are refused at their paths, not a 500.
    const unstorable = await req(admin, 'POST', `partners/${partner.id}/mappings/`, { resource: 'orders', name: 'x\ud800', static_values: { notes: 'a\u0000b' } });
    expect([unstorable.status, unstorable.body.error.details]).toEqual([400, { name: ['Not a valid string.'], 'static_values.notes': ['Not a valid string.'] }]);
    expect(await mappingsOf(partner.id)).toEqual([]);
  });

  it('activation deactivates the previous active mapping of the partner and resource atomically (one event naming it); deactivation leaves none; concurrent activations leave exactly one', async () => {
    const partner = await newPartner('Switcher');
    const a = await data(admin, 'POST', `partners/${partner.id}/mappings/`, { resource: 'products', name: 'A', field_map: { Code: 'sku' } });
    const b = await data(admin, 'POST', `partners/${partner.id}/mappings/`, { resource: 'products', name: 'B', is_active: false, field_map: { Item: 'sku' } });
    const other = await data(admin, 'POST', `partners/${partner.id}/mappings/`, { resource: 'locations', name: 'L' });
    const activated = await req(admin, 'POST', `mappings/${b.id}/activate/`);
    expect([activated.status, activated.body.data.id, activated.body.data.is_active]).toEqual([200, b.id, true]);
    expect(await activeIds(partner.id, 'products')).toEqual([b.id]);
    expect(await activeIds(partner.id, 'locations')).toEqual([other.id]);
    expect((await req(admin, 'GET', `mappings/${a.id}/`)).body.data.is_active).toBe(false);
    const [event] = (await audit(b.id)).filter((e: Json) => e.action === 'mapping.activated');
    expect(event).toMatchObject({ actor: { type: 'user', email: 'ops@acme.example' }, target: { type: 'mapping', id: b.id, name: 'B' }, changes: { is_active: [false, true], active_mapping: [a.id, b.id] } });
    // No event for the deactivated one: one request, one event.
    expect((await audit(a.id)).map((e: Json) => e.action)).toEqual(['mapping.created']);
    // Already active: 200, nothing changes.
    expect((await req(admin, 'POST', `mappings/${b.id}/activate/`)).body.data).toEqual(activated.body.data);
    const off = await req(admin, 'POST', `mappings/${b.id}/deactivate/`);
    expect([off.status, off.body.data.is_active]).toEqual([200, false]);
    expect(await activeIds(partner.id, 'products')).toEqual([]);
    expect((await req(admin, 'POST', `mappings/${MISSING}/activate/`)).status).toBe(404);
    expect((await req(admin, 'GET', `mappings/${b.id}/activate/`)).status).toBe(405);

    const many: Json[] = [];
    for (let i = 0; i < 8; i++) many.push(await data(admin, 'POST', `partners/${partner.id}/mappings/`, { resource: 'orders', name: `O${i}`, is_active: false }));
    const answers = await Promise.all(many.map((m) => req(admin, 'POST', `mappings/${m.id}/activate/`)));
    expect(answers.map((r) => r.status)).toEqual(many.map(() => 200));
    expect(await activeIds(partner.id, 'orders')).toHaveLength(1);
    expect((await mappingsOf(partner.id, '&resource=orders&is_active=true')).length).toBe(1);
  });

  it('a viewer reads mappings and templates and runs previews, and gets 403 PERMISSION_DENIED for every mapping write, with nothing changed', async () => {
    const partner = await newPartner('Viewer target', 'netsuite');
    const [mapping] = await mappingsOf(partner.id, '&resource=orders');
    expect((await req(viewer, 'GET', `partners/${partner.id}/mappings/`)).status).toBe(200);
    expect((await req(viewer, 'GET', `mappings/${mapping.id}/`)).status).toBe(200);
    const preview = await req(viewer, 'POST', 'mappings/preview/', { mapping_id: mapping.id, payload: { tranId: 'SO-1' } });
    expect(preview.status).toBe(200);
    const before = (await db.query(`SELECT id, revision, is_active FROM gateway.mappings WHERE partner_id = $1 ORDER BY id`, [partner.id])).rows;
    for (const [method, path, body] of [
      ['POST', `partners/${partner.id}/mappings/`, { resource: 'orders' }],
      ['PUT', `mappings/${mapping.id}/`, { resource: 'orders' }],
      ['POST', `mappings/${mapping.id}/deactivate/`, undefined],
      ['POST', `mappings/${mapping.id}/activate/`, undefined],
      ['DELETE', `mappings/${mapping.id}/`, undefined],
    ] as const) {
      const res = await req(viewer, method, path, body);
      expect({ method, path, status: res.status, code: res.body.error?.code }).toEqual({ method, path, status: 403, code: 'PERMISSION_DENIED' });
    }
    expect((await db.query(`SELECT id, revision, is_active FROM gateway.mappings WHERE partner_id = $1 ORDER BY id`, [partner.id])).rows).toEqual(before);
    // A preview is still a POST: without the CSRF token it is refused.
    const noCsrf = await adminRequest(started.platform, viewer, 'POST', 'mappings/preview/', { body: { mapping_id: mapping.id, payload: {} }, csrf: null });
    expect([noCsrf.status, noCsrf.body.error.code]).toEqual([403, 'PERMISSION_DENIED']);
  });

  it('isolates tenants: another tenant’s mapping and partner are not found for any operation, preview included', async () => {
    const partner = await newPartner('Isolated', 'shopify');
    const [mapping] = await mappingsOf(partner.id);
    const before = (await req(admin, 'GET', `mappings/${mapping.id}/`)).body.data;
    for (const [method, path, body] of [
      ['GET', `mappings/${mapping.id}/`, undefined],
      ['PUT', `mappings/${mapping.id}/`, { resource: mapping.resource, name: 'taken over' }],
      ['POST', `mappings/${mapping.id}/deactivate/`, undefined],
      ['POST', `mappings/${mapping.id}/activate/`, undefined],
      ['DELETE', `mappings/${mapping.id}/`, undefined],
      ['GET', `partners/${partner.id}/mappings/`, undefined],
      ['POST', `partners/${partner.id}/mappings/`, { resource: 'orders' }],
      ['POST', 'mappings/preview/', { mapping_id: mapping.id, payload: {} }],
    ] as const) {
      const res = await req(globexAdmin, method, path, body);
      expect({ method, path, status: res.status, code: res.body.error?.code }).toEqual({ method, path, status: 404, code: 'NOT_FOUND' });
    }
    expect((await req(admin, 'GET', `mappings/${mapping.id}/`)).body.data).toEqual(before);
  });

  it('preview: an inline mapping or a stored one, static values on POST only; a mapping error; bad input 400; unknown mapping_id 404; nothing stored', async () => {
    const partner = await newPartner('Previewed', 'acumatica');
    const [orders] = await mappingsOf(partner.id, '&resource=orders');
    const count = async () => Number((await db.query(`SELECT (SELECT count(*) FROM gateway.mappings) + (SELECT count(*) FROM gateway.audit_events) AS n`)).rows[0].n);
    const stored = await count();
    const payload = { OrderNbr: 'SO004512', BillToContact: { BusinessName: 'Acme', Email: 'buyer@acme.example' }, Details: [{ InventoryID: 'RUG-5X7-BLU', OrderQty: 10 }] };
    const byId = await req(admin, 'POST', 'mappings/preview/', { mapping_id: orders.id, payload });
    expect([byId.status, byId.body.data]).toEqual([
      200,
      {
        mapped_payload: {
          order_number: 'SO004512',
          customer_name: 'Acme',
          customer_info: { email: 'buyer@acme.example' },
          items: [{ sku_code: 'RUG-5X7-BLU', quantity: 10 }],
          metadata: { source: 'acumatica' },
        },
        errors: {},
      },
    ]);
    const put = await req(admin, 'POST', 'mappings/preview/', { mapping_id: orders.id, method: 'PUT', payload });
    expect(put.body.data.mapped_payload).not.toHaveProperty('metadata');
    const inline = await req(admin, 'POST', 'mappings/preview/', { mapping: { resource: 'products', field_map: { Code: 'sku', 'Info.Title': 'name' } }, payload: { Code: 'A-1', Info: { Title: 'Rug' }, extra: 1 } });
    expect(inline.body.data).toEqual({ mapped_payload: { sku: 'A-1', name: 'Rug', extra: 1 }, errors: {} });

    // §11.5: Details as an object.
    const failed = await req(admin, 'POST', 'mappings/preview/', { mapping_id: orders.id, payload: { OrderNbr: 'SO1', Details: { InventoryID: 'RUG-5X7-BLU', OrderQty: 10 } } });
    expect([failed.status, failed.body.data]).toEqual([200, { mapped_payload: null, errors: { Details: ['Expected an array, got object.'] } }]);

    const notObject = await req(admin, 'POST', 'mappings/preview/', { mapping_id: orders.id, payload: [1, 2] });
    expect([notObject.status, notObject.body.error.code, notObject.body.error.details]).toEqual([400, 'VALIDATION_ERROR', { payload: ['Expected a JSON object.'] }]);
    const badMapping = await req(admin, 'POST', 'mappings/preview/', { mapping: { resource: 'orders', field_map: { X: 'sku' } }, method: 'PATCH', payload: {} });
    expect([badMapping.status, badMapping.body.error.details]).toEqual([400, { 'mapping.field_map.X': ['"sku" is not a field of orders.'], method: ['"PATCH" is not a valid choice.'] }]);
    expect((await req(admin, 'POST', 'mappings/preview/', { payload: {} })).body.error.details).toEqual({ non_field_errors: ['Provide "mapping" (a mapping object) or "mapping_id".'] });
    const unknown = await req(admin, 'POST', 'mappings/preview/', { mapping_id: MISSING, payload: {} });
    expect([unknown.status, unknown.body.error.message]).toEqual([404, `Mapping '${MISSING}' not found.`]);
    expect(await count()).toBe(stored);
  });

  it('writes one audit event per mapping change (created, updated, activated, deactivated, deleted), none for a refused or empty one', async () => {
    const partner = await newPartner('Audited');
    const m = await data(admin, 'POST', `partners/${partner.id}/mappings/`, { resource: 'locations', name: 'Locs', field_map: { Bin: 'code' } });
    await data(admin, 'PUT', `mappings/${m.id}/`, { resource: 'locations', name: 'Locations', field_map: { BinCode: 'code' } });
    await data(admin, 'PUT', `mappings/${m.id}/`, { resource: 'locations', name: 'Locations', field_map: { BinCode: 'code' } }); // nothing changes
    await req(admin, 'PUT', `mappings/${m.id}/`, { resource: 'locations', field_map: { BinCode: 'sku' } }); // refused
    await data(admin, 'POST', `mappings/${m.id}/deactivate/`);
    await data(admin, 'POST', `mappings/${m.id}/activate/`);
    expect((await req(admin, 'DELETE', `mappings/${m.id}/`)).status).toBe(204);
    const events = await audit(m.id);
    expect(events.map((e: Json) => e.action)).toEqual(['mapping.created', 'mapping.updated', 'mapping.deactivated', 'mapping.activated', 'mapping.deleted']);
    for (const e of events) expect(e).toMatchObject({ actor: { type: 'user', email: 'ops@acme.example' }, target: { type: 'mapping', id: m.id }, request_id: expect.any(String) });
    expect(events[0].changes).toMatchObject({ partner: [null, partner.id], resource: [null, 'locations'], name: [null, 'Locs'], is_active: [null, true], field_map: [null, { Bin: 'code' }] });
    expect(events[1]).toMatchObject({ target: { name: 'Locations' }, changes: { name: ['Locs', 'Locations'], field_map: [{ Bin: 'code' }, { BinCode: 'code' }] } });
    expect(events[2].changes).toEqual({ is_active: [true, false] });
    expect(events[4]).toMatchObject({ target: { name: 'Locations' }, changes: {} });
    const listed = (await req(viewer, 'GET', 'audit-events/?limit=10')).body.data.map((e: Json) => e.action);
    expect(listed).toEqual(expect.arrayContaining(['mapping.deleted', 'mapping.activated', 'mapping.deactivated', 'mapping.updated', 'mapping.created']));
  });

  it('deleting a partner deletes its mappings once its keys are gone', async () => {
    const partner = await newPartner('Short-lived', 'logo-erp');
    const ids = (await mappingsOf(partner.id)).map((m) => m.id);
    expect(ids).toHaveLength(2);
    const key = await data(admin, 'POST', 'api-keys/', { name: 'short-lived key', partner: partner.id });
    expect((await req(admin, 'DELETE', `partners/${partner.id}/`)).status).toBe(400);
    expect((await mappingsOf(partner.id)).length).toBe(2);
    expect((await req(admin, 'DELETE', `api-keys/${key.id}/`)).status).toBe(204);
    expect((await req(admin, 'DELETE', `partners/${partner.id}/`)).status).toBe(204);
    for (const id of ids) expect((await req(admin, 'GET', `mappings/${id}/`)).status).toBe(404);
    expect((await db.query(`SELECT count(*)::int AS n FROM gateway.mappings WHERE id = ANY($1::uuid[])`, [ids])).rows[0].n).toBe(0);
  });
});
