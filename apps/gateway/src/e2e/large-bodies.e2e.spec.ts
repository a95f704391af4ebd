import type { TestPlatform } from '@datamingle/testing';
import { startWithKey, stopAll } from './testing-support/e2e-setup';

/**
 * Bodies above 1 MiB are forwarded to the service unparsed (the gateway's event loop stays free
 * for other tenants); the answers are exactly those of a body parsed at the gateway.
 */
describe('large bodies', () => {
  let platform: TestPlatform;
  let key: string;

  beforeAll(async () => {
    ({ platform, key } = await startWithKey());
  }, 60_000);

  afterAll(() => stopAll(platform));

  const big = (json: string) => json.replace('"PAD"', `"${'x'.repeat(1_200_000)}"`);
  /** Sends `json` with its "PAD" string grown above 1 MiB. */
  const sendBig = (method: string, path: string, json: string) =>
    platform.request(method, `/api/integrations/v1/${path}`, { key, rawBody: big(json), headers: { 'content-type': 'application/json' } });

  it('#18 a malformed body above 1 MiB gets 400 VALIDATION_ERROR with the same message', async () => {
    const res = await sendBig('POST', 'inventory/', '{"notes": "PAD", "inventory": [ }');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(res.body.error.message).toMatch(/^Malformed JSON: /);
    expect(res.body.error.details).toEqual({ non_field_errors: ['Malformed JSON.'] });
  });

  it('#18 a non-object body above 1 MiB gets the top-level error', async () => {
    const res = await sendBig('POST', 'products/', '["PAD"]');
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual({ non_field_errors: ['Expected a JSON object at the top level.'] });
  });

  it('a valid body above 1 MiB is processed normally, and an item route still resolves after parsing', async () => {
    const created = await sendBig('POST', 'products/', '{"sku": "BIG-1", "unknown_field_ignored": "PAD"}');
    expect(created.status).toBe(201);
    expect(created.body.data.custom_fields).toEqual({});
    // custom_fields above 65,536 bytes is a field error; the body itself was well-formed.
    const tooBig = await sendBig('PUT', 'products/BIG-1/', '{"custom_fields": {"blob": "PAD"}}');
    expect(tooBig.status).toBe(400);
    expect(Object.keys(tooBig.body.error.details)).toEqual(['custom_fields']);
    const unknown = await sendBig('PUT', 'products/NOPE/', '{"name": "PAD"}');
    expect(unknown.status).toBe(404);
  });
});
