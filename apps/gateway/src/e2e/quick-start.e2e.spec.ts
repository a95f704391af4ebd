import type { TestPlatform } from '@datamingle/testing';
import { startWithKey, stopAll } from './testing-support/e2e-setup';

describe('Quick Start through the gateway', () => {
  let platform: TestPlatform;
  let key: string;

  beforeAll(async () => {
    ({ platform, key } = await startWithKey('staging integration'));
  }, 60_000);

  afterAll(() => stopAll(platform));

  it('creates a product and an order, reads, updates and cancels it', async () => {
    const empty = await platform.request('GET', '/api/integrations/v1/orders/', { key });
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ success: true, data: [], pagination: { limit: 50, next_cursor: null } });

    const product = await platform.request('POST', '/api/integrations/v1/products/', {
      key,
      body: { sku: 'RUG-5X7-BLU', name: 'Wool rug 5x7, blue', quantity: 100, cost: '42.50' },
    });
    expect(product.status).toBe(201);
    expect(product.body.data).toMatchObject({ sku: 'RUG-5X7-BLU', cost: 42.5, is_active: true, custom_fields: {} });

    const created = await platform.request('POST', '/api/integrations/v1/orders/', {
      key,
      body: {
        order_number: 'ORD-2026-001',
        external_order_id: 'ERP-5001',
        customer_name: 'Acme Corporation',
        items: [{ sku_code: 'RUG-5X7-BLU', quantity: 10 }],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.data.status).toBe('pending');
    expect(Object.keys(created.body.data)).toEqual([
      'id', 'order_number', 'external_order_id', 'customer_name', 'customer_info', 'notes', 'order_date',
      'due_date', 'metadata', 'status', 'cancellation_reason', 'items', 'created_at', 'updated_at',
    ]);

    const fetched = await platform.request('GET', '/api/integrations/v1/orders/ERP-5001/', { key });
    expect(fetched.status).toBe(200);
    expect(fetched.body.data).toEqual(created.body.data);

    const updated = await platform.request('PUT', '/api/integrations/v1/orders/ERP-5001/', { key, body: { notes: 'Priority shipping' } });
    expect(updated.status).toBe(200);
    expect(updated.body.data.notes).toBe('Priority shipping');

    const cancelled = await platform.request('DELETE', '/api/integrations/v1/orders/ERP-5001/', { key, body: { reason: 'Customer cancelled' } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data).toMatchObject({ status: 'cancelled', cancellation_reason: 'Customer cancelled', notes: 'Priority shipping' });
  });

  it('npm run -s admin -- projections rebuild rebuilds every read model while the platform answers', async () => {
    const before = await platform.request('GET', '/api/integrations/v1/orders/ORD-2026-001/', { key });
    const output = JSON.parse(await platform.admin('projections', 'rebuild'));
    expect(output.map((r: { service: string; projection: string }) => `${r.service}:${r.projection}`)).toEqual([
      'orders:orders.orders',
      'catalog:catalog.products',
      'inventory:inventory.locations',
      'inventory:inventory.levels',
    ]);
    expect(output[0].events).toBeGreaterThanOrEqual(3);
    const after = await platform.request('GET', '/api/integrations/v1/orders/ORD-2026-001/', { key });
    expect(after.body).toEqual(before.body);
    const one = JSON.parse(await platform.admin('projections', 'rebuild', '--service', 'catalog'));
    expect(one).toHaveLength(1);
    await expect(platform.admin('projections', 'rebuild', '--service', 'billing')).rejects.toThrow(/--service/);
  });
});
