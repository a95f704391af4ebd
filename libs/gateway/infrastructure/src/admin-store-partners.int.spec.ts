/**
 * Partners on a real, migrated PostgreSQL (custom-integrations.md §1, auth-and-keys.md §8): name
 * unique per tenant case-insensitively, the template slug stored, cursor pages, the foreign key of
 * api_keys.partner_id (same tenant only), deletion refused while keys are linked, and one audit
 * event per change in the same transaction. Runs as the application role, like the gateway.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { CLI_AUDIT, type AuditContext, type NewKey, type StoreResult } from '@datamingle/gateway-domain';
import type { AdminStore } from './admin-store';
import type { GatewayStore } from './gateway-store';
import { openAdminDatabase, type AdminDatabase } from './testing-support/admin-database';

const USER_AUDIT: AuditContext = { actor: { type: 'user', id: randomUUID(), email: 'ops@acme.example' }, requestId: 'req-p', clientIp: '127.0.0.1' };

const valueOf = <T>(r: StoreResult<T>): T => {
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

let keyCounter = 0;
const newKey = (partnerId: string | null): NewKey => {
  keyCounter += 1;
  return { name: `key ${keyCounter}`, prefix: 'sk_live_PPPP', keyHash: `${keyCounter}`.padStart(64, 'p'), scopes: ['integrations.*'], expiresAt: null, rateLimitPerSecond: null, partnerId };
};

describe('AdminStore partners on PostgreSQL', () => {
  let db: AdminDatabase | undefined;
  let owner: DataSource;
  let store: AdminStore;
  let gateway: GatewayStore;

  const newTenant = async (prefix: string) => gateway.createTenant(`${prefix}-${randomUUID().slice(0, 8)}`, prefix);
  const auditRows = async (tenantId: string) =>
    owner.query(`SELECT action, actor, target, changes, request_id FROM gateway.audit_events WHERE tenant_id = $1 AND action LIKE 'partner.%' ORDER BY occurred_at, id`, [tenantId]);

  beforeAll(async () => {
    db = await openAdminDatabase('admin_store_partners');
    ({ owner, store, gateway } = db);
  });

  afterAll(async () => {
    await db?.close();
  });

  it('creates a partner with its template slug; the name is unique per tenant, case-insensitively, and free in another tenant', async () => {
    const acme = await newTenant('acme');
    const globex = await newTenant('globex');
    const created = valueOf(await store.createPartner(acme.id, { name: 'Acumatica (production)', template: 'acumatica', defaultIdentifierField: null }, USER_AUDIT));
    expect(created).toMatchObject({ name: 'Acumatica (production)', template: 'acumatica', default_identifier_field: null });
    expect(created.created_at).toBe(created.updated_at);
    expect(await store.createPartner(acme.id, { name: 'ACUMATICA (Production)', template: 'custom', defaultIdentifierField: null }, USER_AUDIT)).toEqual({ ok: false, error: 'duplicate_name' });
    expect((await store.createPartner(globex.id, { name: 'Acumatica (production)', template: 'custom', defaultIdentifierField: null }, USER_AUDIT)).ok).toBe(true);
    expect(await store.getPartner(acme.id, created.id)).toEqual(created);
    expect(await store.getPartner(globex.id, created.id)).toBeNull();
    expect(await store.partnerByIdOrName(acme.id, 'acumatica (PRODUCTION)')).toEqual(created);
    expect(await store.partnerByIdOrName(acme.id, created.id.toUpperCase())).toEqual(created);
    expect(await store.partnerByIdOrName(globex.id, created.id)).toBeNull();
  });

  it('lists the tenant’s partners newest first in cursor pages', async () => {
    const t = await newTenant('paged');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(valueOf(await store.createPartner(t.id, { name: `P${i}`, template: 'custom', defaultIdentifierField: null }, CLI_AUDIT)).id);
    const seen: string[] = [];
    let after = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<AdminStore['listPartners']>> = await store.listPartners(t.id, { limit: 2, after });
      seen.push(...page.data.map((p) => p.id));
      after = page.next;
      pages += 1;
    } while (after);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  it('updates name and default_identifier_field (updated_at moves), refuses a taken name, and records only real changes', async () => {
    const t = await newTenant('upd');
    const a = valueOf(await store.createPartner(t.id, { name: 'NetSuite', template: 'netsuite', defaultIdentifierField: 'external_order_id' }, USER_AUDIT));
    valueOf(await store.createPartner(t.id, { name: 'Shopify', template: 'shopify', defaultIdentifierField: null }, USER_AUDIT));
    const renamed = valueOf(await store.updatePartner(t.id, a.id, { name: 'NetSuite EU', defaultIdentifierField: null }, USER_AUDIT));
    expect(renamed).toMatchObject({ id: a.id, name: 'NetSuite EU', template: 'netsuite', default_identifier_field: null });
    // updated_at moved (compared in the database: microseconds, not the representation's milliseconds).
    expect((await owner.query(`SELECT updated_at > created_at AS moved FROM gateway.partners WHERE id = $1`, [a.id]))[0].moved).toBe(true);
    expect(await store.updatePartner(t.id, a.id, { name: 'shopify' }, USER_AUDIT)).toEqual({ ok: false, error: 'duplicate_name' });
    expect(valueOf(await store.updatePartner(t.id, a.id, { name: 'NetSuite EU' }, USER_AUDIT))).toEqual(renamed); // nothing changes
    expect(await store.updatePartner(t.id, randomUUID(), { name: 'x' }, USER_AUDIT)).toEqual({ ok: false, error: 'not_found' });
    const rows = await auditRows(t.id);
    expect(rows.map((r: { action: string }) => r.action)).toEqual(['partner.created', 'partner.created', 'partner.updated']);
    expect(rows[0]).toMatchObject({ target: { type: 'partner', id: a.id, name: 'NetSuite' }, changes: { name: [null, 'NetSuite'], template: [null, 'netsuite'], default_identifier_field: [null, 'external_order_id'] } });
    expect(rows[2]).toMatchObject({ actor: USER_AUDIT.actor, request_id: 'req-p', changes: { name: ['NetSuite', 'NetSuite EU'], default_identifier_field: ['external_order_id', null] } });
  });

  it('links keys to a partner of the same tenant only, and refuses to delete a partner while keys are linked', async () => {
    const t = await newTenant('keys');
    const other = await newTenant('other');
    const partner = valueOf(await store.createPartner(t.id, { name: 'Logo', template: 'logo-erp', defaultIdentifierField: null }, USER_AUDIT));
    const foreign = valueOf(await store.createPartner(other.id, { name: 'Logo', template: 'logo-erp', defaultIdentifierField: null }, USER_AUDIT));
    expect(await store.createKey(t.id, newKey(foreign.id), USER_AUDIT)).toEqual({ ok: false, error: 'partner_not_found' });
    expect(await store.createKey(t.id, newKey(randomUUID()), USER_AUDIT)).toEqual({ ok: false, error: 'partner_not_found' });
    const key = valueOf(await store.createKey(t.id, newKey(partner.id), USER_AUDIT));
    expect(key.partner).toBe(partner.id);
    const cliKey = await gateway.insertKey({ ...newKey(partner.id), tenantSlug: t.slug });
    await expect(gateway.insertKey({ ...newKey(foreign.id), tenantSlug: t.slug })).rejects.toThrow(/does not exist/);
    valueOf(await store.createKey(t.id, newKey(null), USER_AUDIT));
    expect((await store.listKeys(t.id, { partner: partner.id }, { limit: 50, after: null })).data.map((k) => k.id).sort()).toEqual([key.id, cliKey.id].sort());
    // Rotation keeps the partner.
    const rotated = valueOf(await store.rotateKey(t.id, key.id, { prefix: 'sk_live_RRRR', keyHash: 'x'.repeat(64), name: (n) => `${n} r` }, USER_AUDIT));
    expect(rotated.partner).toBe(partner.id);

    expect(await store.deletePartner(t.id, partner.id, USER_AUDIT)).toEqual({ ok: false, error: 'partner_in_use' });
    // The database refuses it too (the foreign key), whoever deletes.
    await expect(owner.query(`DELETE FROM gateway.partners WHERE id = $1`, [partner.id])).rejects.toThrow(/api_keys_partner_fk/);
    // and refuses a key naming another tenant's partner.
    await expect(owner.query(`UPDATE gateway.api_keys SET partner_id = $1 WHERE id = $2`, [foreign.id, key.id])).rejects.toThrow(/api_keys_partner_fk/);
    for (const id of [key.id, rotated.id]) valueOf(await store.deleteKey(t.id, id, USER_AUDIT));
    await gateway.deleteKey(t.slug, cliKey.id);
    expect(await store.deletePartner(other.id, partner.id, USER_AUDIT)).toEqual({ ok: false, error: 'not_found' });
    expect(valueOf(await store.deletePartner(t.id, partner.id, USER_AUDIT)).id).toBe(partner.id);
    expect(await store.getPartner(t.id, partner.id)).toBeNull();
    const actions = (await auditRows(t.id)).map((r: { action: string }) => r.action);
    expect(actions).toEqual(['partner.created', 'partner.deleted']);
  });

  it('writes no partner change when its audit event cannot be written (one transaction)', async () => {
    const t = await newTenant('atomic');
    await expect(store.createPartner(t.id, { name: 'Mikro', template: 'mikro-erp', defaultIdentifierField: null }, { ...USER_AUDIT, requestId: 'bad\u0000id' })).rejects.toThrow();
    expect((await store.listPartners(t.id, { limit: 50, after: null })).data).toEqual([]);
  });
});
