import { startTestPlatform, type TestPlatform } from '@datamingle/testing';

/**
 * Bodies above 1 MiB are forwarded to the service unparsed (the gateway's event loop stays free
 * for other tenants); the answers are exactly those of a body parsed at the gateway.
 */
describe('large bodies', () => {
  let platform: TestPlatform;
  let key: string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    await platform.createTenant('acme');
    ({ key } = await platform.createKey('acme'));
  }, 60_000);

  afterAll(async () => {
    await platform?.stop();
  });

  const big = (json: string) => json.replace('"PAD"', `"${'x'.repeat(1_200_000)}"`);

  it('#18 a malformed body above 1 MiB gets 400 VALIDATION_ERROR with the same message', async () => {
    const res = await platform.request('POST', '/api/integrations/v1/inventory/', {
      key,
      rawBody: big('{"notes": "PAD", "inventory": [ }'),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(res.body.error.message).toMatch(/^Malformed JSON: /);
    expect(res.body.error.details).toEqual({ non_field_errors: ['Malformed JSON.'] });
  });

  it('#18 a non-object body above 1 MiB gets the top-level error', async () => {
    const res = await platform.request('POST', '/api/integrations/v1/products/', {
      key,
      rawBody: big('["PAD"]'),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual({ non_field_errors: ['Expected a JSON object at the top level.'] });
  });

  it('a valid body above 1 MiB is processed normally, and an item route still resolves after parsing', async () => {
    const created = await platform.request('POST', '/api/integrations/v1/products/', {
      key,
      rawBody: big('{"sku": "BIG-1", "unknown_field_ignored": "PAD"}'),
      headers: { 'content-type': 'application/json' },
    });
    expect(created.status).toBe(201);
    expect(created.body.data.custom_fields).toEqual({});
    // custom_fields above 65,536 bytes is a field error; the body itself was well-formed.
    const tooBig = await platform.request('PUT', '/api/integrations/v1/products/BIG-1/', {
      key,
      rawBody: big('{"custom_fields": {"blob": "PAD"}}'),
      headers: { 'content-type': 'application/json' },
    });
    expect(tooBig.status).toBe(400);
    expect(Object.keys(tooBig.body.error.details)).toEqual(['custom_fields']);
    const unknown = await platform.request('PUT', '/api/integrations/v1/products/NOPE/', {
      key,
      rawBody: big('{"name": "PAD"}'),
      headers: { 'content-type': 'application/json' },
    });
    expect(unknown.status).toBe(404);
  });
});
