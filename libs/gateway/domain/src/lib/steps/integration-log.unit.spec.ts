import { hashApiKey } from '../api-keys';
import type { IntegrationLogEntry } from '../limits-and-logs';
import { handleIntegrationRequest } from '../pipeline';
import { HASH_SECRET, KEY, fakeDeps, keyRecord, request, v1, type FakeDeps } from '../../testing-support/pipeline-fakes';
import { logStatus } from './integration-log';

const PARTNER_KEY = `sk_live_${'P'.repeat(40)}`;
const READ_ONLY = `sk_live_${'R'.repeat(40)}`;

function logged(): { fake: FakeDeps; entries: IntegrationLogEntry[] } {
  const entries: IntegrationLogEntry[] = [];
  const fake = fakeDeps({ integrationLog: { record: (e) => void entries.push(e) } });
  fake.keys.set(
    hashApiKey(HASH_SECRET, PARTNER_KEY),
    keyRecord({ id: 'key-partner', name: 'Acumatica sync', partner: { id: 'p1', name: 'Acumatica', defaultIdentifierField: null, activeMappings: { orders: { version: 'm1:1', identifierField: 'order_number' } } } }),
  );
  fake.mappings.set('m1', { revision: 1, definition: { resource: 'orders', identifier_field: 'order_number', field_map: { OrderNbr: 'order_number' }, nested_mappings: [], static_values: {} } });
  return { fake, entries };
}

describe('integration log entries (integration-logs.md)', () => {
  it('writes one entry with every field for a request the service answered', async () => {
    const { fake, entries } = logged();
    fake.reply = async () => ({ ok: true, status: 201, data: { id: 'o-1', order_number: 'A' }, log: { recordId: 'o-1' } });
    const res = await handleIntegrationRequest(request('POST', `${v1('orders/')}?x=1`, { body: '{"order_number":"A"}', headers: { 'x-request-id': 'req-1' } }), fake.deps);
    expect(res.status).toBe(201);
    expect(entries).toEqual([
      {
        tenantId: 'tenant-acme',
        createdAt: expect.any(Date),
        requestId: 'req-1',
        partner: null,
        apiKey: { id: 'key-acme', name: 'ERP sync' },
        resource: 'order',
        action: 'create',
        identifier: null,
        method: 'POST',
        path: '/api/integrations/v1/orders/',
        queryString: 'x=1',
        rawPayload: { maybeJson: '{"order_number":"A"}' },
        mappedPayload: { maybeJson: '{"order_number":"A"}' },
        responseBody: { json: res.body },
        httpStatus: 201,
        status: 'success',
        errorCode: null,
        errorMessage: null,
        internalId: 'o-1',
        durationMs: 0,
        shortenedFields: [],
      },
    ]);
  });

  it("uses the service's mapped body for a partner key, and null when the mapping failed", async () => {
    const { fake, entries } = logged();
    fake.reply = async () => ({ ok: true, status: 201, data: { id: 'o-2' }, log: { mappedBody: '{"order_number":"B"}', recordId: 'o-2' } });
    await handleIntegrationRequest(request('POST', v1('orders/'), { key: PARTNER_KEY, body: '{"OrderNbr":"B"}' }), fake.deps);
    fake.reply = async () => ({ ok: false, error: { code: 'MAPPING_ERROR', message: 'Field mapping failed: Details: Expected an array, got object.', details: { Details: ['Expected an array, got object.'] } }, log: { mappedBody: null } });
    await handleIntegrationRequest(request('POST', v1('orders/'), { key: PARTNER_KEY, body: '{"Details":{}}' }), fake.deps);
    expect(entries.map((e) => [e.partner, e.apiKey.name, e.rawPayload, e.mappedPayload, e.status, e.errorCode, e.internalId])).toEqual([
      [{ id: 'p1', name: 'Acumatica' }, 'Acumatica sync', { maybeJson: '{"OrderNbr":"B"}' }, { json: '{"order_number":"B"}' }, 'success', null, 'o-2'],
      [{ id: 'p1', name: 'Acumatica' }, 'Acumatica sync', { maybeJson: '{"Details":{}}' }, null, 'mapping_error', 'MAPPING_ERROR', null],
    ]);
  });

  it('logs unknown routes, 405, 415 and OPTIONS with their resource/action rules; never auth failures or the scope refusal', async () => {
    const { fake, entries } = logged();
    fake.keys.set(hashApiKey(HASH_SECRET, READ_ONLY), keyRecord({ id: 'key-ro', scopes: ['integrations.orders.read'] }));
    await handleIntegrationRequest(request('GET', v1('nothing/')), fake.deps);
    await handleIntegrationRequest(request('PATCH', v1('orders/A-1/')), fake.deps);
    await handleIntegrationRequest(request('POST', v1('orders/'), { body: 'x', headers: { 'content-type': 'text/plain' } }), fake.deps);
    await handleIntegrationRequest(request('OPTIONS', v1('orders/A%2F1/')), fake.deps);
    await handleIntegrationRequest(request('GET', v1('orders/'), { key: KEY.acmeExpired }), fake.deps);
    await handleIntegrationRequest(request('GET', v1('orders/'), { key: null }), fake.deps);
    await handleIntegrationRequest(request('POST', v1('orders/'), { key: READ_ONLY, body: '{}' }), fake.deps);
    await handleIntegrationRequest(request('GET', v1('openapi.json'), { key: null }), fake.deps);
    expect(entries.map((e) => [e.method, e.httpStatus, e.status, e.resource, e.action, e.identifier, e.errorCode])).toEqual([
      ['GET', 404, 'not_found', null, null, null, 'NOT_FOUND'],
      ['PATCH', 405, 'error', 'order', null, 'A-1', 'METHOD_NOT_ALLOWED'],
      ['POST', 415, 'error', 'order', 'create', null, 'UNSUPPORTED_MEDIA_TYPE'],
      ['OPTIONS', 204, 'success', 'order', 'options', 'A/1', null],
    ]);
    // The 415 body was never forwarded: stored as sent, not as a mapped payload (it is no JSON object).
    expect(entries[2]!.rawPayload).toEqual({ maybeJson: 'x' });
    expect(entries[2]!.mappedPayload).toEqual({ objectOrNull: 'x' });
    expect(entries[3]!.responseBody).toBeNull();
  });

  it('stores a body over 1 MiB shortened, at a character boundary, named in shortened_fields', async () => {
    const { fake, entries } = logged();
    const rows = Array.from({ length: 20_000 }, (_, i) => `{"location_code":"Lé-${i}","sku_code":"S","quantity":${i}}`);
    const body = `{"inventory":[${rows.join(',')}]}`;
    expect(Buffer.byteLength(body)).toBeGreaterThan(1_048_576);
    fake.reply = async () => ({ ok: true, status: 200, data: { total: 20000 } });
    await handleIntegrationRequest(request('POST', v1('inventory/'), { body }), fake.deps);
    const entry = entries[0]!;
    expect(entry.shortenedFields).toEqual(['raw_payload', 'mapped_payload']);
    const raw = (entry.rawPayload as { text: string }).text;
    expect(Buffer.byteLength(raw)).toBeLessThanOrEqual(1_048_576);
    expect(Buffer.byteLength(raw)).toBeGreaterThan(1_048_570);
    expect(body.startsWith(raw)).toBe(true);
    expect(entry.mappedPayload).toEqual(entry.rawPayload);
    expect(entry.responseBody).toEqual({ json: '{"success":true,"data":{"total":20000}}' });
  });

  it('never lets a key value reach an entry: the header is never stored, a key put in the query, path or body is redacted', async () => {
    const { fake, entries } = logged();
    fake.reply = async (_op, req) => ({ ok: false, error: { code: 'VALIDATION_ERROR', message: 'x', details: { echo: [JSON.stringify(req.body)] } } });
    await handleIntegrationRequest(request('GET', `${v1('orders/')}?api_key=${KEY.acme}`), fake.deps);
    await handleIntegrationRequest(request('POST', v1('orders/'), { key: PARTNER_KEY, body: JSON.stringify({ note: `my key is ${PARTNER_KEY}` }) }), fake.deps);
    await handleIntegrationRequest(request('GET', v1(`orders/${KEY.acme}/`)), fake.deps);
    const stored = JSON.stringify(entries);
    for (const key of Object.values(KEY)) expect(stored).not.toContain(key);
    expect(stored).not.toContain(PARTNER_KEY);
    expect(entries.map((e) => e.queryString)).toEqual(['api_key=sk_live_[REDACTED]', '', '']);
    expect(entries[1]!.rawPayload).toEqual({ maybeJson: '{"note":"my key is sk_live_[REDACTED]"}' });
    expect(entries[2]!.identifier).toBe('sk_live_[REDACTED]');
    expect(entries).toHaveLength(3);
  });

  it('maps statuses as §3 says', () => {
    expect([200, 201, 204].map((s) => logStatus(s, null))).toEqual(['success', 'success', 'success']);
    expect(logStatus(400, 'VALIDATION_ERROR')).toBe('validation_error');
    expect(logStatus(400, 'SERVICE_ERROR')).toBe('service_error');
    expect(logStatus(404, 'NOT_FOUND')).toBe('not_found');
    expect(logStatus(422, 'MAPPING_ERROR')).toBe('mapping_error');
    expect([405, 409, 415, 429, 500, 503, 504].map((s) => logStatus(s, 'X'))).toEqual(Array(7).fill('error'));
  });
});
