/**
 * Integration logs on the admin API through the real gateway (integration-logs.md §2, §5; admin.md
 * §4): real integration requests of a pass-through key and of a partner key become entries visible
 * within 5 seconds; the list (no payloads, newest first, every §5 filter, cursor pages), the item
 * (everything, payloads as stored); invalid filters → 400 naming the parameter; a viewer reads them;
 * no session → 403; another tenant sees nothing. Entries written through the real writer and store
 * (IntegrationLogWriter → IntegrationLogStore on the platform's database, as the application role)
 * keep a body that is not JSON as a string, U+0000 in payloads, shortened fields, and survive the
 * deletion of their key and partner. No stored entry holds a key value. Every response is checked
 * against the admin OpenAPI document by the e2e harness.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { IntegrationLogEntry } from '@datamingle/gateway-domain';
import { IntegrationLogStore } from '@datamingle/gateway-infrastructure';
import { createReadModelDataSource } from '@datamingle/read-model';
import { registerPartnerKey, type ApiResponse } from '@datamingle/testing';
import { IntegrationLogWriter } from '../integration-log-writer';
import { adminRequest, signIn, type AdminSession } from './testing-support/admin-client';
import { connectDb, startWithKey, stopAll, type PlatformWithKey } from './testing-support/e2e-setup';

jest.setTimeout(60_000);

const VIEWER_PASSWORD = 'viewer password that is long';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('admin API: integration logs', () => {
  let started: PlatformWithKey;
  let db: Client;
  let app: DataSource;
  let admin: AdminSession;
  let viewer: AdminSession;
  let globexAdmin: AdminSession;
  let partner: Json;
  let partnerKey: { id: string; key: string };

  const req = (session: AdminSession | null, path: string): Promise<ApiResponse> => adminRequest(started.platform, session, 'GET', path);
  const data = async (session: AdminSession, method: string, path: string, body?: unknown): Promise<Json> => {
    const res = await adminRequest(started.platform, session, method, path, body === undefined ? {} : { body });
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${res.text}`);
    return res.body?.data;
  };
  const list = async (query: string, session: AdminSession = admin): Promise<Json[]> => {
    const res = await req(session, `integration-logs/?limit=200${query ? `&${query}` : ''}`);
    if (res.status !== 200) throw new Error(`list answered ${res.status}: ${res.text}`);
    return res.body.data;
  };
  /** The entries of a request id, waiting up to 5 s for them (integration-logs.md §1). */
  const entryOf = async (requestId: string): Promise<Json> => {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const found = await list(`request_id=${encodeURIComponent(requestId)}`);
      if (found.length > 0 || Date.now() > deadline) {
        expect(found).toHaveLength(1);
        return found[0];
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const integration = (method: string, path: string, key: string, body?: unknown, requestId = randomUUID()) =>
    started.platform.request(method, path, { host: 'acme.localhost', key, headers: { 'x-request-id': requestId }, ...(body === undefined ? {} : { body }) }).then((res) => ({ res, requestId }));

  beforeAll(async () => {
    started = await startWithKey('pass-through key');
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
    app = createReadModelDataSource({ url: platform.databaseUrl, poolSize: 2 });
    await app.initialize();
    partner = await data(admin, 'POST', 'partners/', { name: 'Acumatica (production)', template: 'acumatica' });
    const created = await data(admin, 'POST', 'api-keys/', { name: 'Acumatica sync', partner: partner.id });
    partnerKey = { id: created.id, key: created.key };
    registerPartnerKey(created.key);
  }, 120_000);

  afterAll(async () => {
    await app?.destroy();
    await stopAll(started?.platform, db);
  });

  it('an integration request becomes one entry within 5 s: the list without payloads, the item with everything', async () => {
    const { res, requestId } = await integration('POST', '/api/integrations/v1/products/', started.key, { sku: 'RUG-5X7-BLU', name: 'Blue rug' });
    expect(res.status).toBe(201);
    const summary = await entryOf(requestId);
    expect(summary).toMatchObject({
      request_id: requestId,
      partner: null,
      api_key: { id: started.keyId, name: 'pass-through key' },
      resource: 'product',
      action: 'create',
      identifier: null,
      method: 'POST',
      path: '/api/integrations/v1/products/',
      query_string: '',
      http_status: 201,
      status: 'success',
      error_code: null,
      internal_id: res.body.data.id,
      shortened_fields: [],
    });
    expect(summary).not.toHaveProperty('raw_payload');
    expect(summary).not.toHaveProperty('mapped_payload');
    expect(summary).not.toHaveProperty('response_body');
    const item = await req(viewer, `integration-logs/${summary.id}/`);
    expect(item.status).toBe(200);
    expect(item.body.data).toMatchObject({ ...summary, raw_payload: { sku: 'RUG-5X7-BLU', name: 'Blue rug' }, mapped_payload: { sku: 'RUG-5X7-BLU', name: 'Blue rug' } });
    expect(item.body.data.response_body).toEqual(res.body);
  });

  it("a partner key's entries: the partner, the payload as sent and as mapped, a failure's code and message; the partner filter", async () => {
    const { res, requestId } = await integration('POST', '/api/integrations/v1/orders/', partnerKey.key, { OrderNbr: 'SO004512', Details: [{ InventoryID: 'NOPE', OrderQty: 10 }] });
    expect(res.status).toBeGreaterThanOrEqual(400);
    const summary = await entryOf(requestId);
    expect(summary).toMatchObject({ partner: { id: partner.id, name: 'Acumatica (production)' }, api_key: { id: partnerKey.id, name: 'Acumatica sync' }, http_status: res.status });
    expect(summary.error_code).toBe(res.body.error.code);
    expect(summary.error_message).toBe(res.body.error.message);
    const item = (await req(admin, `integration-logs/${summary.id}/`)).body.data;
    expect(item.raw_payload).toEqual({ OrderNbr: 'SO004512', Details: [{ InventoryID: 'NOPE', OrderQty: 10 }] });
    expect(item.mapped_payload).toMatchObject({ order_number: 'SO004512' });
    expect(item.response_body).toEqual(res.body);
    const ofPartner = await list(`partner=${partner.id}`);
    expect(ofPartner.length).toBeGreaterThan(0);
    expect(ofPartner.every((e) => e.partner?.id === partner.id)).toBe(true);
    expect((await list('partner=null')).every((e) => e.partner === null)).toBe(true);
  });

  it('filters by every parameter of §5, newest first, with cursor pages', async () => {
    const a = await integration('GET', '/api/integrations/v1/products/RUG-5X7-BLU/', started.key);
    const b = await integration('GET', '/api/integrations/v1/products/NOPE-1/', started.key);
    const c = await integration('GET', '/api/integrations/v1/products/?limit=1', started.key);
    expect([a.res.status, b.res.status, c.res.status]).toEqual([200, 404, 200]);
    const [ea, eb, ec] = [await entryOf(a.requestId), await entryOf(b.requestId), await entryOf(c.requestId)];
    expect(ea).toMatchObject({ action: 'read', identifier: 'RUG-5X7-BLU', internal_id: a.res.body.data.id });
    expect(eb).toMatchObject({ action: 'read', identifier: 'NOPE-1', status: 'not_found', http_status: 404, internal_id: null });
    expect(ec).toMatchObject({ action: 'list', query_string: 'limit=1', identifier: null });
    const ids = (rows: Json[]) => rows.map((e) => e.request_id);
    expect(ids(await list(`api_key=${started.keyId}&resource=product&action=read`)).slice(0, 2)).toEqual([b.requestId, a.requestId]);
    expect(ids(await list('status=not_found'))).toContain(b.requestId);
    expect(ids(await list('http_status=404'))).toEqual(ids(await list('status=not_found')));
    expect(ids(await list('identifier=RUG-5X7-BLU'))).toEqual([a.requestId]);
    expect(ids(await list(`internal_id=${a.res.body.data.id}`))).toContain(a.requestId);
    expect(ids(await list(`created_after=${encodeURIComponent(ea.created_at)}&created_before=${encodeURIComponent(ec.created_at)}`))).toEqual([b.requestId, a.requestId]);
    // Pages of 2, newest first, the filter kept with every page.
    const all = await list(`api_key=${started.keyId}`);
    const paged: Json[] = [];
    let cursor: string | null = null;
    do {
      const res: ApiResponse = await req(admin, `integration-logs/?limit=2&api_key=${started.keyId}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      paged.push(...res.body.data);
      cursor = res.body.pagination.next_cursor;
    } while (cursor);
    expect(ids(paged)).toEqual(ids(all));
    expect(all.map((e) => e.created_at)).toEqual([...all.map((e) => e.created_at)].sort().reverse());
  });

  it('refuses invalid filters with 400 VALIDATION_ERROR naming each parameter; an unknown entry is 404', async () => {
    const res = await req(admin, 'integration-logs/?partner=acme&status=failed&http_status=99&created_after=yesterday&resource=orders&action=x&api_key=1&internal_id=2');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(Object.keys(res.body.error.details).sort()).toEqual(['action', 'api_key', 'created_after', 'http_status', 'internal_id', 'partner', 'resource', 'status']);
    expect((await req(admin, 'integration-logs/?cursor=nope')).body.error.message).toBe("Invalid cursor: 'nope'");
    expect((await req(admin, `integration-logs/${randomUUID()}/`)).status).toBe(404);
    expect((await req(admin, 'integration-logs/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/')).status).toBe(404);
    expect((await adminRequest(started.platform, admin, 'POST', 'integration-logs/')).status).toBe(405);
  });

  it('needs a session; another tenant sees none of them', async () => {
    const [any] = await list('');
    expect((await req(null, 'integration-logs/')).status).toBe(403);
    expect((await req(null, `integration-logs/${any.id}/`)).status).toBe(403);
    expect(await list('', globexAdmin)).toEqual([]);
    expect((await req(globexAdmin, `integration-logs/${any.id}/`)).status).toBe(404);
    // The key value is no session either.
    expect((await started.platform.request('GET', '/api/admin/v1/integration-logs/', { host: 'acme.localhost', key: started.key })).status).toBe(403);
  });

  it('entries written through the real writer and store: a body that is not JSON as a string, U+0000, shortened fields; they outlive their key and partner', async () => {
    const store = new IntegrationLogStore(app);
    const writer = new IntegrationLogWriter(store, { warn: (m, f) => console.warn(m, f) });
    const doomed = await data(admin, 'POST', 'partners/', { name: 'Short-lived', template: 'custom' });
    const doomedKey = await data(admin, 'POST', 'api-keys/', { name: 'Short-lived key', partner: doomed.id });
    const base = (requestId: string): IntegrationLogEntry => ({
      tenantId: started.tenantId,
      createdAt: new Date(),
      requestId,
      partner: { id: doomed.id, name: doomed.name },
      apiKey: { id: doomedKey.id, name: doomedKey.name },
      resource: 'order',
      action: 'create',
      identifier: null,
      method: 'POST',
      path: '/api/integrations/v1/orders/',
      queryString: '',
      rawPayload: null,
      mappedPayload: null,
      responseBody: null,
      httpStatus: 400,
      status: 'validation_error',
      errorCode: 'VALIDATION_ERROR',
      errorMessage: 'Invalid JSON.',
      internalId: null,
      durationMs: 2,
      shortenedFields: [],
    });
    const big = 'y'.repeat(1_048_576);
    writer.record({ ...base('writer-not-json'), rawPayload: { maybeJson: '{"OrderNbr": ' }, mappedPayload: { objectOrNull: '{"OrderNbr": ' } });
    writer.record({ ...base('writer-nul'), rawPayload: { json: '{"note":"a\\u0000b"}' }, mappedPayload: { maybeJson: 'raw\u0000text' } });
    writer.record({ ...base('writer-short'), rawPayload: { text: big }, shortenedFields: ['raw_payload'], httpStatus: 201, status: 'success', errorCode: null, errorMessage: null });
    await writer.stop();
    expect(writer.stats()).toMatchObject({ written: 3, queued: 0 });

    const notJson = (await req(admin, `integration-logs/${(await entryOf('writer-not-json')).id}/`)).body.data;
    expect(notJson).toMatchObject({ raw_payload: '{"OrderNbr": ', mapped_payload: null });
    const nul = await req(admin, `integration-logs/${(await entryOf('writer-nul')).id}/`);
    expect(nul.body.data).toMatchObject({ raw_payload: { note: 'a\u0000b' }, mapped_payload: 'raw\u0000text' });
    expect(nul.text).toContain('"note":"a\\u0000b"');
    const short = (await req(admin, `integration-logs/${(await entryOf('writer-short')).id}/`)).body.data;
    expect(short.raw_payload).toHaveLength(1_048_576);
    expect(short.shortened_fields).toEqual(['raw_payload']);

    // The key and the partner go; their entries stay, with the names they had.
    await data(admin, 'DELETE', `api-keys/${doomedKey.id}/`);
    await data(admin, 'DELETE', `partners/${doomed.id}/`);
    expect(await entryOf('writer-nul')).toMatchObject({ partner: { id: doomed.id, name: 'Short-lived' }, api_key: { id: doomedKey.id, name: 'Short-lived key' } });
  });

  it("/metrics shows the writer's entries written, failures, drops and lag", async () => {
    const text = (await started.platform.request('GET', '/metrics')).text;
    const value = (name: string): number => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    expect(value('datamingle_integration_log_entries_written_total')).toBeGreaterThanOrEqual(5);
    expect(value('datamingle_integration_log_write_failures_total')).toBe(0);
    expect(value('datamingle_integration_log_lag_seconds')).toBeLessThan(5);
    expect(value('datamingle_integration_log_queued_entries')).toBeGreaterThanOrEqual(0);
    expect(text).toContain('# TYPE datamingle_integration_log_entries_dropped_total counter');
    expect(text).toContain('# TYPE datamingle_integration_log_write_duration_seconds histogram');
  });

  it('no stored entry holds a key value', async () => {
    const keys = [started.key, partnerKey.key];
    const { rows } = await db.query(`SELECT l::text AS row FROM gateway.integration_logs l`);
    expect(rows.length).toBeGreaterThan(5);
    for (const { row } of rows as Array<{ row: string }>) for (const key of keys) expect(row.includes(key) || row.includes(key.slice(8))).toBe(false);
  });
});
