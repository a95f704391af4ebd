import { eventually, type TestPlatform } from '@datamingle/testing';
import { aProductBody, expectCreated, startWithKey } from './testing-support/e2e-setup';

/** What callers see when a service is down or stuck (errors.md §6.12-6.13, limits-and-versioning.md §5). */
describe('service unavailability and timeouts through the gateway', () => {
  let platform: TestPlatform;
  let key: string;

  beforeAll(async () => {
    ({ platform, key } = await startWithKey(undefined, { platform: { env: { REQUEST_TIMEOUT_MS: '1500' } } }));
    await expectCreated(platform, key, 'products/', aProductBody('AV-1'));
  }, 60_000);

  afterAll(async () => {
    platform?.signal('orders', 'SIGCONT');
    await platform?.stop();
  });

  it('answers 504 GATEWAY_TIMEOUT when a service does not answer within the processing limit', async () => {
    platform.signal('orders', 'SIGSTOP');
    try {
      const started = Date.now();
      const res = await platform.request('GET', '/api/integrations/v1/orders/', { key, headers: { 'x-request-id': 'timeout-probe-1' } });
      expect(res.status).toBe(504);
      expect(res.body).toEqual({
        success: false,
        error: {
          code: 'GATEWAY_TIMEOUT',
          message: 'The request did not complete within 60 seconds. It may still be applied; check the record before retrying.',
        },
        request_id: 'timeout-probe-1',
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    } finally {
      platform.signal('orders', 'SIGCONT');
    }
    await eventually(async () => expect((await platform.request('GET', '/api/integrations/v1/orders/', { key })).status).toBe(200));
  });

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After while a service is down, and recovers when it is back', async () => {
    await platform.kill('orders');
    const res = await platform.request('GET', '/api/integrations/v1/orders/', { key });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('30');
    expect(res.body).toMatchObject({
      success: false,
      error: { code: 'SERVICE_UNAVAILABLE', details: { retry_after: 30 } },
    });
    expect(res.body.request_id).toBe(res.headers['x-request-id']);

    const ready = await platform.request('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.orders).not.toBe('ok');

    await platform.start('orders');
    await eventually(async () => expect((await platform.request('GET', '/api/integrations/v1/orders/', { key })).status).toBe(200), 15_000);
    expect((await platform.request('GET', '/readyz')).status).toBe(200);
  });

  it('answers 503 for an order when catalog (needed for the SKU check) is down, and stores nothing', async () => {
    await platform.kill('catalog');
    try {
      const res = await platform.request('POST', '/api/integrations/v1/orders/', {
        key,
        body: { order_number: 'AV-ORD-1', items: [{ sku_code: 'AV-1', quantity: 1 }] },
      });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await platform.start('catalog');
    }
    expect((await platform.request('GET', '/api/integrations/v1/orders/AV-ORD-1/', { key })).status).toBe(404);
    await eventually(async () => {
      const created = await platform.request('POST', '/api/integrations/v1/orders/', {
        key,
        body: { order_number: 'AV-ORD-1', items: [{ sku_code: 'AV-1', quantity: 1 }] },
      });
      expect(created.status).toBe(201);
    }, 15_000);
  });
});
