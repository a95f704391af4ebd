/**
 * Partners through the real gateway (custom-integrations.md §1, admin.md §4, auth-and-keys.md §8):
 * CRUD with cursor pages, the template slug stored (and its default identifier field), partner keys
 * (`api-keys/` POST `partner`, the `partner` filter, fixed at creation), deletion refused while keys
 * are linked, and one audit event per change (admin API and CLI). Every response is checked against
 * the admin OpenAPI document by the e2e harness. The CSRF and viewer refusals of the partner writes
 * are part of the matrices in admin-api.e2e.spec.ts.
 */
import type { Client } from 'pg';
import type { ApiResponse } from '@datamingle/testing';
import { adminRequest, signIn, type AdminSession } from './testing-support/admin-client';
import { BASE } from './testing-support/e2e-api';
import { connectDb, startWithKey, stopAll, type PlatformWithKey } from './testing-support/e2e-setup';

describe('admin API: partners', () => {
  let started: PlatformWithKey;
  let db: Client;
  let admin: AdminSession;
  let globexAdmin: AdminSession;

  const req = (session: AdminSession, method: string, path: string, body?: unknown): Promise<ApiResponse> =>
    adminRequest(started.platform, session, method, path, body === undefined ? {} : { body });
  const audit = async (action: string) =>
    (await db.query(`SELECT actor, target, changes, request_id FROM gateway.audit_events WHERE tenant_id = $1 AND action = $2 ORDER BY occurred_at, id`, [started.tenantId, action])).rows;

  beforeAll(async () => {
    started = await startWithKey('integration key');
    const { platform } = started;
    await platform.createTenant('globex');
    await Promise.all([platform.createUser('acme', 'ops@acme.example', 'correct horse battery staple'), platform.createUser('globex', 'ops@globex.example', 'correct horse battery staple')]);
    admin = await signIn(platform, 'ops@acme.example');
    globexAdmin = await signIn(platform, 'ops@globex.example', undefined, 'globex.localhost');
    db = await connectDb(platform);
  }, 120_000);

  afterAll(async () => {
    await stopAll(started?.platform, db);
  });

  it('creates (201) from a template or from scratch, gets, lists newest first in cursor pages, renames (200); only the tenant sees its partners', async () => {
    const created = await req(admin, 'POST', 'partners/', { name: ' NetSuite (production) ', template: 'netsuite' });
    expect(created.status).toBe(201);
    expect(created.body.data).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'NetSuite (production)',
      template: 'netsuite',
      default_identifier_field: 'external_order_id',
      created_at: expect.stringMatching(/Z$/),
      updated_at: created.body.data.created_at,
    });
    const id = created.body.data.id;
    const scratch = await req(admin, 'POST', 'partners/', { name: 'In-house ERP' });
    expect(scratch.body.data).toMatchObject({ template: 'custom', default_identifier_field: null });
    const third = await req(admin, 'POST', 'partners/', { name: 'Acumatica', template: 'acumatica', default_identifier_field: 'order_number' });
    expect(third.body.data).toMatchObject({ template: 'acumatica', default_identifier_field: 'order_number' });

    expect((await req(admin, 'GET', `partners/${id}/`)).body.data).toEqual(created.body.data);
    const first = await req(admin, 'GET', 'partners/?limit=2');
    expect(first.body.data.map((p: { name: string }) => p.name)).toEqual(['Acumatica', 'In-house ERP']);
    const second = await req(admin, 'GET', `partners/?limit=2&cursor=${first.body.pagination.next_cursor}`);
    expect(second.body.data.map((p: { name: string }) => p.name)).toEqual(['NetSuite (production)']);
    expect(second.body.pagination.next_cursor).toBeNull();

    const renamed = await req(admin, 'PATCH', `partners/${id}/`, { name: 'NetSuite EU', default_identifier_field: null });
    expect(renamed.status).toBe(200);
    expect(renamed.body.data).toMatchObject({ id, name: 'NetSuite EU', template: 'netsuite', default_identifier_field: null });
    expect(Date.parse(renamed.body.data.updated_at)).toBeGreaterThan(Date.parse(created.body.data.updated_at));

    // Another tenant's session sees none of them.
    expect((await req(globexAdmin, 'GET', 'partners/')).body.data).toEqual([]);
    expect((await req(globexAdmin, 'GET', `partners/${id}/`)).status).toBe(404);
    expect((await req(globexAdmin, 'PATCH', `partners/${id}/`, { name: 'taken over' })).status).toBe(404);
    expect((await req(globexAdmin, 'DELETE', `partners/${id}/`)).status).toBe(404);
    const missing = await req(admin, 'GET', 'partners/00000000-0000-4000-8000-000000000000/');
    expect([missing.status, missing.body.error.code, missing.body.error.message]).toEqual([404, 'NOT_FOUND', "Partner '00000000-0000-4000-8000-000000000000' not found."]);
  });

  it('refuses a duplicate name (409 DUPLICATE, any case), an unknown template, a bad identifier field and a template change (400 at the field)', async () => {
    await req(admin, 'POST', 'partners/', { name: 'Shopify store', template: 'shopify' });
    const dup = await req(admin, 'POST', 'partners/', { name: 'SHOPIFY STORE' });
    expect([dup.status, dup.body.error.code, dup.body.error.details]).toEqual([409, 'DUPLICATE', { name: ['A partner with this name already exists.'] }]);
    const bad = await req(admin, 'POST', 'partners/', { template: 'oracle', default_identifier_field: 'Order No' });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.details)).toEqual(['name', 'template', 'default_identifier_field']);
    const id = (await req(admin, 'GET', 'partners/?limit=1')).body.data[0].id;
    const fixed = await req(admin, 'PATCH', `partners/${id}/`, { template: 'custom' });
    expect([fixed.status, fixed.body.error.details]).toEqual([400, { template: ['This field cannot be changed.'] }]);
    const other = (await req(admin, 'POST', 'partners/', { name: 'Logo', template: 'logo-erp' })).body.data;
    const renameDup = await req(admin, 'PATCH', `partners/${other.id}/`, { name: 'shopify store' });
    expect([renameDup.status, renameDup.body.error.code]).toEqual([409, 'DUPLICATE']);
  });

  it('links keys at creation (partner filter, fixed afterwards); a partner with linked keys cannot be deleted; without keys it is deleted (204)', async () => {
    const partner = (await req(admin, 'POST', 'partners/', { name: 'Mikro', template: 'mikro-erp' })).body.data;
    const created = await req(admin, 'POST', 'api-keys/', { name: 'mikro key', partner: partner.id });
    expect(created.status).toBe(201);
    expect(created.body.data.partner).toBe(partner.id);
    // A partner key works on the next integration request (no mapping yet: internal names).
    expect((await started.platform.request('GET', BASE + 'orders/', { key: created.body.data.key })).status).toBe(200);
    const listed = await req(admin, 'GET', `api-keys/?partner=${partner.id}`);
    expect(listed.body.data.map((k: { id: string }) => k.id)).toEqual([created.body.data.id]);
    const passThrough = await req(admin, 'GET', 'api-keys/?partner=null');
    expect(passThrough.body.data.map((k: { id: string }) => k.id)).toContain(started.keyId);
    expect(passThrough.body.data.map((k: { id: string }) => k.id)).not.toContain(created.body.data.id);
    // Another tenant's partner or an unknown one is refused; the partner cannot change later.
    const globexPartner = (await req(globexAdmin, 'POST', 'partners/', { name: 'Globex partner' })).body.data;
    const foreign = await req(admin, 'POST', 'api-keys/', { name: 'x', partner: globexPartner.id });
    expect([foreign.status, foreign.body.error.details]).toEqual([400, { partner: [`Invalid pk "${globexPartner.id}" - object does not exist.`] }]);
    expect((await req(admin, 'POST', 'api-keys/', { name: 'x', partner: 'mikro' })).body.error.details).toEqual({ partner: ['Must be a valid UUID.'] });
    expect((await req(admin, 'PATCH', `api-keys/${created.body.data.id}/`, { partner: null })).body.error.details).toEqual({ partner: ['This field cannot be changed.'] });
    // Its own partner again is accepted (nothing changes).
    const same = await req(admin, 'PATCH', `api-keys/${created.body.data.id}/`, { partner: partner.id.toUpperCase(), name: 'mikro key' });
    expect([same.status, same.body.data.partner]).toEqual([200, partner.id]);
    expect((await req(admin, 'PATCH', `api-keys/${started.keyId}/`, { partner: partner.id })).body.error.details).toEqual({ partner: ['This field cannot be changed.'] });
    expect((await req(admin, 'PATCH', `api-keys/${started.keyId}/`, { partner: null })).status).toBe(200);
    // Rotation keeps the partner.
    const rotated = await req(admin, 'POST', `api-keys/${created.body.data.id}/rotate/`);
    expect(rotated.body.data.partner).toBe(partner.id);

    const refused = await req(admin, 'DELETE', `partners/${partner.id}/`);
    expect([refused.status, refused.body.error.code, refused.body.error.details]).toEqual([
      400,
      'VALIDATION_ERROR',
      { non_field_errors: ['This partner cannot be deleted while API keys are linked to it. Delete its keys first.'] },
    ]);
    expect((await req(admin, 'GET', `partners/${partner.id}/`)).status).toBe(200);
    for (const id of [created.body.data.id, rotated.body.data.id]) expect((await req(admin, 'DELETE', `api-keys/${id}/`)).status).toBe(204);
    expect((await req(admin, 'DELETE', `partners/${partner.id}/`)).status).toBe(204);
    expect((await req(admin, 'GET', `partners/${partner.id}/`)).status).toBe(404);
  });

  it('writes one audit event per partner change (actor user through the API, cli through the CLI), none for a refused one', async () => {
    const before = { created: (await audit('partner.created')).length, updated: (await audit('partner.updated')).length, deleted: (await audit('partner.deleted')).length };
    const p = (await req(admin, 'POST', 'partners/', { name: 'Audited', template: 'sap-business-one' })).body.data;
    await req(admin, 'PATCH', `partners/${p.id}/`, { name: 'Audited 2' });
    await req(admin, 'PATCH', `partners/${p.id}/`, { name: 'Audited 2' }); // nothing changes, nothing recorded
    await req(admin, 'POST', 'partners/', { name: 'audited 2' }); // refused
    await req(admin, 'DELETE', `partners/${p.id}/`);
    const cli = JSON.parse(await started.platform.admin('partner', 'create', '--tenant', 'acme', '--name', 'From the CLI', '--template', 'custom'));
    const created = await audit('partner.created');
    const updated = await audit('partner.updated');
    const deleted = await audit('partner.deleted');
    expect([created.length - before.created, updated.length - before.updated, deleted.length - before.deleted]).toEqual([2, 1, 1]);
    expect(created[created.length - 2]).toMatchObject({
      actor: { type: 'user', email: 'ops@acme.example' },
      target: { type: 'partner', id: p.id, name: 'Audited' },
      changes: { name: [null, 'Audited'], template: [null, 'sap-business-one'] },
      request_id: expect.any(String),
    });
    expect(updated[updated.length - 1]).toMatchObject({ target: { id: p.id, name: 'Audited 2' }, changes: { name: ['Audited', 'Audited 2'] } });
    expect(deleted[deleted.length - 1]).toMatchObject({ target: { type: 'partner', id: p.id, name: 'Audited 2' }, changes: {} });
    expect(created[created.length - 1]).toMatchObject({ actor: { type: 'cli' }, target: { id: cli.id, name: 'From the CLI' } });
    // The audit list of the API shows them too.
    const events = (await req(admin, 'GET', 'audit-events/?limit=10')).body.data.map((e: { action: string }) => e.action);
    expect(events).toEqual(expect.arrayContaining(['partner.created', 'partner.updated', 'partner.deleted']));
  });
});
