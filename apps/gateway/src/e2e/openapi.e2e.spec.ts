import { buildOpenApiDocument } from '@datamingle/gateway-openapi';
import { startTestPlatform, type TestPlatform } from '@datamingle/testing';
import { stopAll } from './testing-support/e2e-setup';

describe('the integration API describes itself', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform();
  }, 60_000);

  afterAll(() => stopAll(platform));

  it('serves the OpenAPI 3.1 document at openapi.json without a key and on any host', async () => {
    for (const host of ['acme.localhost', 'localhost', 'unknown.example']) {
      const res = await platform.request('GET', '/api/integrations/v1/openapi.json', { host });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.body.openapi).toBe('3.1.0');
      // The document served is the one generated from the code.
      expect(res.body).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
    }
    const paths = Object.keys((await platform.request('GET', '/api/integrations/v1/openapi.json')).body.paths);
    for (const p of ['orders', 'products', 'locations', 'inventory']) {
      expect(paths).toContain(`/api/integrations/v1/${p}/`);
      expect(paths).toContain(`/api/integrations/v1/${p}/{identifier}/`);
    }
  });

  it('serves a human docs page rendering the same document (Scalar; details in api-reference.e2e.spec.ts)', async () => {
    const res = await platform.request('GET', '/docs/', { host: 'localhost' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text.toLowerCase().startsWith('<!doctype html>')).toBe(true);
    expect(res.text).toContain('href="/api/integrations/v1/openapi.json"');
  });
});
