import { hashApiKey } from '../api-keys';
import { handleIntegrationRequest } from '../pipeline';
import type { KeyPartner } from '../types';
import { HASH_SECRET, fakeDeps, json, keyRecord, request, v1, type FakeDeps } from '../../testing-support/pipeline-fakes';
import { partnerIdentifierField } from './step-14-partner-mapping';

const PARTNER_KEY = `sk_live_${'P'.repeat(40)}`;
const ORDERS_MAPPING = { resource: 'orders', identifier_field: 'order_number', field_map: { po_number: 'order_number' }, nested_mappings: [{ source: 'Details', target: 'items', field_map: { Qty: 'quantity' } }], static_values: {} };

function partner(overrides: Partial<KeyPartner> = {}): KeyPartner {
  return { id: 'partner-1', name: 'Partner one', defaultIdentifierField: null, activeMappings: {}, ...overrides };
}

function withPartnerKey(p: KeyPartner): FakeDeps {
  const fake = fakeDeps();
  fake.keys.set(hashApiKey(HASH_SECRET, PARTNER_KEY), keyRecord({ id: 'key-partner', partner: p }));
  return fake;
}

describe('partnerIdentifierField (identifiers.md §2.2)', () => {
  it("uses the active mapping's identifier_field first", () => {
    expect(partnerIdentifierField('orders', partner({ defaultIdentifierField: 'external_order_id', activeMappings: { orders: { version: 'm:1', identifierField: 'order_number' } } }))).toBe('order_number');
  });

  it("falls back to the partner default only where it is an eligible field of the resource", () => {
    const p = partner({ defaultIdentifierField: 'external_order_id' });
    expect(partnerIdentifierField('orders', p)).toBe('external_order_id');
    expect(partnerIdentifierField('products', p)).toBeUndefined(); // step 2 skipped: platform default (sku)
    expect(partnerIdentifierField('locations', p)).toBeUndefined();
    expect(partnerIdentifierField('inventory', p)).toBeUndefined();
    expect(partnerIdentifierField('products', partner({ defaultIdentifierField: 'sku' }))).toBe('sku');
    expect(partnerIdentifierField('orders', partner({ defaultIdentifierField: 'po_number' }))).toBeUndefined();
  });

  it('uses the platform default when neither is set, also with a mapping whose identifier_field is null', () => {
    expect(partnerIdentifierField('orders', partner({ activeMappings: { orders: { version: 'm:1', identifierField: null } } }))).toBeUndefined();
  });
});

describe('step 14 in the gateway: what a partner key adds to the service request', () => {
  it('sends the active mapping of the route resource (as loaded now) and the identifier field', async () => {
    const fake = withPartnerKey(partner({ activeMappings: { orders: { version: 'm1:1', identifierField: 'order_number' } } }));
    fake.mappings.set('m1', { revision: 2, definition: ORDERS_MAPPING });
    const res = await handleIntegrationRequest(request('GET', v1('orders/SO-1/'), { key: PARTNER_KEY }), fake.deps);
    expect(res.status).toBe(200);
    expect(fake.dispatched[0]!.request).toMatchObject({ identifier: 'SO-1', identifierField: 'order_number', mapping: { version: 'm1:2', definition: ORDERS_MAPPING } });
    expect(fake.mappingLoads).toEqual(['tenant-acme/m1:1']);
  });

  it('sends nothing more for a pass-through key, nor for a resource the partner has no active mapping of', async () => {
    const fake = withPartnerKey(partner({ activeMappings: { orders: { version: 'm1:1', identifierField: null } } }));
    fake.mappings.set('m1', { revision: 1, definition: ORDERS_MAPPING });
    await handleIntegrationRequest(request('GET', v1('orders/SO-1/')), fake.deps);
    await handleIntegrationRequest(request('GET', v1('products/SKU-1/'), { key: PARTNER_KEY }), fake.deps);
    for (const call of fake.dispatched) {
      expect(call.request.mapping).toBeUndefined();
      expect(call.request.identifierField).toBeUndefined();
    }
    expect(fake.mappingLoads).toEqual([]);
  });

  it('sends no mapping when the active mapping was deleted since the key was read', async () => {
    const fake = withPartnerKey(partner({ activeMappings: { orders: { version: 'gone:1', identifierField: null } } }));
    await handleIntegrationRequest(request('POST', v1('orders/'), { key: PARTNER_KEY, body: '{"po_number":"A"}' }), fake.deps);
    expect(fake.dispatched[0]!.request.mapping).toBeUndefined();
  });

  it('answers 422 MAPPING_ERROR before the 404 of an undecodable identifier (step 14 before 15)', async () => {
    const fake = withPartnerKey(partner({ activeMappings: { orders: { version: 'm1:1', identifierField: null } } }));
    fake.mappings.set('m1', { revision: 1, definition: ORDERS_MAPPING });
    const bad = await handleIntegrationRequest(request('PUT', v1('orders/%ZZ/'), { key: PARTNER_KEY, body: '{"Details":{"Qty":1}}' }), fake.deps);
    expect(bad.status).toBe(422);
    expect(json(bad).error).toEqual({ code: 'MAPPING_ERROR', message: 'Field mapping failed: Details: Expected an array, got object.', details: { Details: ['Expected an array, got object.'] } });
    const fine = await handleIntegrationRequest(request('PUT', v1('orders/%ZZ/'), { key: PARTNER_KEY, body: '{"Details":[]}' }), fake.deps);
    expect(fine.status).toBe(404);
    expect(fake.dispatched).toEqual([]);
  });
});
