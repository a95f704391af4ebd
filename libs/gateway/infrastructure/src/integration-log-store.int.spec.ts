/**
 * The integration log's storage on a real, migrated PostgreSQL (integration-logs.md), as the
 * application role: batched inserts with every field, payloads kept as the JSON values they are
 * (or as strings), filters and keyset pages, tenant isolation, partitions and the purge with an
 * injected clock.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { IntegrationLogEntry, IntegrationLogSummary, Page } from '@datamingle/gateway-domain';
import type { AdminStore } from './admin-store';
import type { GatewayStore } from './gateway-store';
import { IntegrationLogMaintenance, IntegrationLogStore, uuidV7At, uuidV7Time } from './integration-log-store';
import { openAdminDatabase, type AdminDatabase } from './testing-support/admin-database';

const DAY = 86_400_000;

describe('IntegrationLogStore on PostgreSQL', () => {
  let db: AdminDatabase | undefined;
  let owner: DataSource;
  let app: DataSource;
  let admin: AdminStore;
  let gateway: GatewayStore;
  let logs: IntegrationLogStore;
  let acme: { id: string };
  let globex: { id: string };
  const partner = { id: randomUUID(), name: 'Acumatica (production)' };
  const key = { id: randomUUID(), name: 'Acumatica sync' };
  const passKey = { id: randomUUID(), name: 'pass-through' };

  const entry = (over: Partial<IntegrationLogEntry> = {}): IntegrationLogEntry => ({
    tenantId: acme.id,
    createdAt: new Date(),
    requestId: randomUUID(),
    partner,
    apiKey: key,
    resource: 'order',
    action: 'create',
    identifier: null,
    method: 'POST',
    path: '/api/integrations/v1/orders/',
    queryString: '',
    rawPayload: { json: '{"OrderNbr": "SO004512", "b": 1, "a": 2}' },
    mappedPayload: { json: '{"order_number":"SO004512"}' },
    responseBody: { json: '{"success":true,"data":{"id":"x"}}' },
    httpStatus: 201,
    status: 'success',
    errorCode: null,
    errorMessage: null,
    internalId: randomUUID(),
    durationMs: 84,
    shortenedFields: [],
    ...over,
  });

  const all = async (tenantId: string, filters = {}, limit = 200): Promise<IntegrationLogSummary[]> => {
    const out: IntegrationLogSummary[] = [];
    let after = null;
    do {
      const page: Page<IntegrationLogSummary> = await admin.listIntegrationLogs(tenantId, filters, { limit, after });
      out.push(...page.data);
      after = page.next;
    } while (after);
    return out;
  };
  const item = async (tenantId: string, requestId: string) => {
    const [s] = await all(tenantId, { requestId });
    if (!s) throw new Error(`no entry ${requestId}`);
    const text = await admin.getIntegrationLog(tenantId, s.id);
    return { summary: s, text: text!, value: JSON.parse(text!) };
  };

  beforeAll(async () => {
    db = await openAdminDatabase('integration_logs');
    ({ owner, app, store: admin, gateway } = db);
    logs = new IntegrationLogStore(app);
    acme = await gateway.createTenant('acme', 'Acme');
    globex = await gateway.createTenant('globex', 'Globex');
  });

  afterAll(async () => {
    await db?.close();
  });

  it('makes UUIDv7 ids that carry their millisecond', () => {
    const ms = Date.UTC(2026, 3, 16, 10, 0, 0, 118);
    const id = uuidV7At(ms);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidV7Time(id)).toBe(ms);
    expect(uuidV7Time(randomUUID())).toBeNull();
  });

  it('has partitions for yesterday to three days ahead after the migration, and creates missing ones idempotently', async () => {
    const days = await logs.partitionDays();
    const today = new Date(Math.floor(Date.now() / DAY) * DAY).toISOString().slice(0, 10);
    expect(days).toContain(today);
    expect(await logs.createPartitions(new Date(), 2)).toBe(0);
  });

  it('stores a batch in one statement with every field; payloads round-trip as the JSON values (key order kept)', async () => {
    const createdAt = new Date(Date.now() - 1000);
    const e = entry({ createdAt, identifier: 'SO-1', queryString: 'a=1&b=%20', resource: 'order', action: 'read', method: 'GET', path: '/api/integrations/v1/orders/SO-1/' });
    const pass = entry({ partner: null, apiKey: passKey, requestId: randomUUID() });
    await logs.insertIntegrationLogs([e, pass]);
    const { summary, text, value } = await item(acme.id, e.requestId);
    expect(summary).toEqual({
      id: expect.any(String),
      created_at: createdAt.toISOString(),
      request_id: e.requestId,
      partner,
      api_key: key,
      resource: 'order',
      action: 'read',
      identifier: 'SO-1',
      method: 'GET',
      path: '/api/integrations/v1/orders/SO-1/',
      query_string: 'a=1&b=%20',
      http_status: 201,
      status: 'success',
      error_code: null,
      error_message: null,
      internal_id: e.internalId,
      duration_ms: 84,
      shortened_fields: [],
    });
    expect(uuidV7Time(summary.id)).toBe(createdAt.getTime());
    expect(Object.keys(value)).toEqual([
      'id', 'created_at', 'request_id', 'partner', 'api_key', 'resource', 'action', 'identifier', 'method', 'path', 'query_string',
      'raw_payload', 'mapped_payload', 'response_body', 'http_status', 'status', 'error_code', 'error_message', 'internal_id', 'duration_ms', 'shortened_fields',
    ]);
    expect(value).toMatchObject({ ...summary, raw_payload: { OrderNbr: 'SO004512', b: 1, a: 2 }, mapped_payload: { order_number: 'SO004512' } });
    // The stored text itself: key order as sent.
    expect(text).toContain('"raw_payload" : {"OrderNbr": "SO004512", "b": 1, "a": 2}');
    expect((await item(acme.id, pass.requestId)).value).toMatchObject({ partner: null, api_key: passKey });
  });

  it('stores maybeJson that is not JSON, text and U+0000 as strings; objectOrNull of a non-object as null; shortened fields', async () => {
    const big = 'x'.repeat(100_000);
    const e = entry({
      rawPayload: { maybeJson: '{"broken": ' },
      mappedPayload: { objectOrNull: '[1, 2]' },
      responseBody: { text: big },
      shortenedFields: ['response_body'],
      httpStatus: 400,
      status: 'validation_error',
      errorCode: 'VALIDATION_ERROR',
      errorMessage: 'Body is not valid JSON.',
    });
    const nul = entry({ rawPayload: { json: '{"a":"\\u0000 escaped"}' }, mappedPayload: { maybeJson: 'raw \u0000 byte' }, responseBody: { objectOrNull: '{"ok":true}' }, identifier: 'with\u0000nul' });
    const valid = entry({ rawPayload: { maybeJson: ' [1,"two"] ' }, mappedPayload: null, responseBody: null, method: 'HEAD' });
    await logs.insertIntegrationLogs([e, nul, valid]);
    const a = await item(acme.id, e.requestId);
    expect(a.value).toMatchObject({ raw_payload: '{"broken": ', mapped_payload: null, response_body: big, shortened_fields: ['response_body'], error_code: 'VALIDATION_ERROR', status: 'validation_error', http_status: 400 });
    const b = await item(acme.id, nul.requestId);
    expect(b.value).toMatchObject({ raw_payload: { a: '\u0000 escaped' }, mapped_payload: 'raw \u0000 byte', response_body: { ok: true }, identifier: 'with\uFFFDnul' });
    const c = await item(acme.id, valid.requestId);
    expect(c.value).toMatchObject({ raw_payload: [1, 'two'], mapped_payload: null, response_body: null });
  });

  it('keeps quotes, backslashes, newlines and non-ASCII text as sent; a lone UTF-16 surrogate becomes U+FFFD (never fails the batch)', async () => {
    const odd = 'q"uo\\te\n\u00e9 — 😀 ünï';
    const e = entry({
      identifier: `SKU-${odd}`,
      path: `/api/integrations/v1/orders/${odd}/`,
      queryString: 'a="b"&c=\\d',
      rawPayload: { maybeJson: `{"note": ${JSON.stringify(odd)}}` },
      mappedPayload: { text: `plain ${odd}` },
      responseBody: { json: '{"error":{"message":"bad \\"quote\\""}}' },
      errorMessage: `Message with ${odd}`,
      shortenedFields: ['raw_payload', 'response_body'],
    });
    const lone = entry({ identifier: 'half \uD800 pair', mappedPayload: { text: 'tail \uDC00' }, errorMessage: '\uD83D' });
    await logs.insertIntegrationLogs([e, lone]);
    const a = (await item(acme.id, e.requestId)).value;
    expect(a).toMatchObject({
      identifier: `SKU-${odd}`,
      path: `/api/integrations/v1/orders/${odd}/`,
      query_string: 'a="b"&c=\\d',
      raw_payload: { note: odd },
      mapped_payload: `plain ${odd}`,
      response_body: { error: { message: 'bad "quote"' } },
      error_message: `Message with ${odd}`,
      shortened_fields: ['raw_payload', 'response_body'],
    });
    const b = (await item(acme.id, lone.requestId)).value;
    expect(b).toMatchObject({ identifier: 'half \uFFFD pair', mapped_payload: 'tail \uFFFD', error_message: '\uFFFD' });
  });

  it('filters by every parameter of §5 and pages newest first with cursors', async () => {
    const t0 = Date.now() - 60_000;
    const p2 = { id: randomUUID(), name: 'Shopify' };
    const k2 = { id: randomUUID(), name: 'Shop key' };
    const batch: IntegrationLogEntry[] = [];
    for (let i = 0; i < 30; i++) {
      batch.push(
        entry({
          tenantId: globex.id,
          createdAt: new Date(t0 + i * 100),
          partner: i % 3 === 0 ? null : i % 3 === 1 ? partner : p2,
          apiKey: i % 3 === 0 ? passKey : i % 3 === 1 ? key : k2,
          resource: i % 2 === 0 ? 'order' : 'inventory',
          action: i % 5 === 0 ? 'list' : 'create',
          identifier: i === 7 ? 'SKU-7' : null,
          httpStatus: i % 4 === 0 ? 404 : 201,
          status: i % 4 === 0 ? 'not_found' : 'success',
          internalId: i === 9 ? '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f' : null,
          requestId: `req-${i}`,
        }),
      );
    }
    await logs.insertIntegrationLogs(batch);
    const everything = await all(globex.id, {}, 7);
    expect(everything.map((e) => e.request_id)).toEqual(batch.map((e) => e.requestId).reverse());
    expect(await all(globex.id, { partner: partner.id })).toHaveLength(10);
    expect((await all(globex.id, { partner: null })).every((e) => e.partner === null)).toBe(true);
    expect(await all(globex.id, { apiKey: k2.id })).toHaveLength(10);
    expect(await all(globex.id, { resource: 'inventory' })).toHaveLength(15);
    expect(await all(globex.id, { action: 'list' })).toHaveLength(6);
    expect(await all(globex.id, { status: 'not_found' })).toHaveLength(8);
    expect(await all(globex.id, { httpStatus: 404 })).toHaveLength(8);
    expect(await all(globex.id, { httpStatus: 201, status: 'success' })).toHaveLength(22);
    expect((await all(globex.id, { requestId: 'req-3' })).map((e) => e.request_id)).toEqual(['req-3']);
    expect((await all(globex.id, { identifier: 'SKU-7' })).map((e) => e.request_id)).toEqual(['req-7']);
    expect((await all(globex.id, { internalId: '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f' })).map((e) => e.request_id)).toEqual(['req-9']);
    const range = await all(globex.id, { createdAfter: new Date(t0 + 1000).toISOString(), createdBefore: new Date(t0 + 1500).toISOString() });
    expect(range.map((e) => e.request_id)).toEqual(['req-14', 'req-13', 'req-12', 'req-11', 'req-10']);
    expect(await all(globex.id, { partner: partner.id, status: 'not_found', resource: 'order' })).toHaveLength(
      batch.filter((e) => e.partner?.id === partner.id && e.status === 'not_found' && e.resource === 'order').length,
    );
  });

  it("never shows another tenant's entries", async () => {
    const e = entry({ tenantId: globex.id, requestId: 'only-globex' });
    await logs.insertIntegrationLogs([e]);
    const [s] = await all(globex.id, { requestId: 'only-globex' });
    expect(await all(acme.id, { requestId: 'only-globex' })).toEqual([]);
    expect(await admin.getIntegrationLog(acme.id, s!.id)).toBeNull();
    expect(await admin.getIntegrationLog(globex.id, s!.id)).not.toBeNull();
    expect(await admin.getIntegrationLog(globex.id, randomUUID())).toBeNull();
  });

  it('creates the partition of a day near now that is missing when an insert needs it', async () => {
    const soon = Date.now() + 6 * DAY;
    const day = new Date(Math.floor(soon / DAY) * DAY).toISOString().slice(0, 10);
    expect(await logs.partitionDays()).not.toContain(day);
    const e = entry({ createdAt: new Date(soon) });
    await logs.insertIntegrationLogs([e]);
    expect(await logs.partitionDays()).toContain(day);
    expect(await all(acme.id, { requestId: e.requestId })).toHaveLength(1);
  });

  describe('retention (injected clock)', () => {
    // "now": a fixed instant; every tenant keeps 90 days unless set longer.
    const now = Date.UTC(2027, 5, 15, 0, 0, 5);
    const at = (daysAgo: number) => new Date(now - daysAgo * DAY - 3_600_000);
    let old: { id: string };

    beforeAll(async () => {
      old = await gateway.createTenant('longkeep', 'Long Keep');
      expect(await logs.setLogRetentionDays(old.id, 120)).toBe(120);
      expect(await logs.logRetentionDays(old.id)).toBe(120);
      expect(await logs.logRetentionDays(acme.id)).toBe(90);
      const audit = await owner.query(`SELECT action, changes FROM gateway.audit_events WHERE tenant_id = $1 AND action = 'settings.updated'`, [old.id]);
      expect(audit).toEqual([{ action: 'settings.updated', changes: { log_retention_days: [90, 120] } }]);
      await expect(logs.setLogRetentionDays(old.id, 89)).rejects.toThrow(RangeError);
      const first = new Date(now - 130 * DAY);
      await logs.createPartitions(first, 62);
      await logs.createPartitions(new Date(first.getTime() + 62 * DAY), 62);
      await logs.createPartitions(new Date(first.getTime() + 124 * DAY), 10);
    });

    it('drops entries older than 90 days, keeps day 89, and keeps 120 days for a tenant that has them', async () => {
      const rows: IntegrationLogEntry[] = [];
      for (const [tenant, ago] of [
        [acme.id, 125],
        [acme.id, 91],
        [acme.id, 89],
        [acme.id, 1],
        [old.id, 125],
        [old.id, 119],
        [old.id, 91],
        [old.id, 89],
      ] as const) {
        rows.push(entry({ tenantId: tenant, createdAt: at(ago), requestId: `ret-${tenant === old.id ? 'old' : 'acme'}-${ago}` }));
      }
      await logs.insertIntegrationLogs(rows);
      const maintenance = new IntegrationLogMaintenance(logs, { info: () => {}, warn: (m, f) => console.warn(m, f) }, { now: () => now });
      expect(await maintenance.runOnce()).toBe(true);
      const left = async (tenantId: string) =>
        (await owner.query(`SELECT request_id FROM gateway.integration_logs WHERE tenant_id = $1 AND request_id LIKE 'ret-%' ORDER BY created_at`, [tenantId])).map(
          (r: { request_id: string }) => r.request_id,
        );
      expect(await left(acme.id)).toEqual(['ret-acme-89', 'ret-acme-1']);
      expect(await left(old.id)).toEqual(['ret-old-119', 'ret-old-91', 'ret-old-89']);
      const days = await logs.partitionDays();
      // Partitions before today - 120 days are gone; the day of "now" and the days ahead exist.
      expect(days[0]).toBe(new Date(Math.floor(now / DAY) * DAY - 120 * DAY).toISOString().slice(0, 10));
      expect(days).toContain(new Date(now + 3 * DAY).toISOString().slice(0, 10));
      // Idempotent.
      expect(await logs.purge(new Date(now))).toMatchObject({ droppedDays: [], deletedRows: 0, longestRetentionDays: 120 });
    });

    it('lets one gateway at a time run the purge (advisory lock)', async () => {
      const other = new IntegrationLogStore(app);
      let inner: unknown = 'not run';
      const outer = await logs.withMaintenanceLock(async () => {
        inner = await other.withMaintenanceLock(async () => 'ran');
        return 'outer';
      });
      expect(outer).toBe('outer');
      expect(inner).toBeNull();
    });
  });
});
