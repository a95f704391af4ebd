import { startTestPlatform, type TestPlatform } from '@datamingle/testing';
import { stopAll } from './testing-support/e2e-setup';

/**
 * The API reference at /docs/ (Scalar) through the real gateway: the shell, every asset it
 * references (same origin, 200, right content type), its Content-Security-Policy, and that the
 * shell names no other origin.
 */
describe('the API reference page', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform();
  }, 60_000);

  afterAll(() => stopAll(platform));

  const header = (res: { headers: Record<string, string | string[] | undefined> }, name: string) => res.headers[name] as string | undefined;

  /** The src/href URLs of an HTML page. */
  const referencedUrls = (html: string) => [...html.matchAll(/\b(?:src|href)\s*=\s*"([^"]*)"/gi)].map((m) => m[1]!.replace(/&amp;/g, '&'));

  it('serves the shell at /docs/ and /docs with a same-origin-only CSP, on any host', async () => {
    for (const [path, host] of [['/docs/', 'localhost'], ['/docs', 'localhost'], ['/docs/', 'acme.localhost']] as const) {
      const res = await platform.request('GET', path, { host });
      expect(res.status).toBe(200);
      expect(header(res, 'content-type')).toBe('text/html; charset=utf-8');
      expect(res.text.toLowerCase().startsWith('<!doctype html>')).toBe(true);
      expect(res.text).toContain('<title>Datamingle integration API — reference</title>');
      const csp = header(res, 'content-security-policy')!;
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).not.toMatch(/\*|https?:/);
      expect(header(res, 'x-content-type-options')).toBe('nosniff');
    }
  });

  it('references only assets of its own origin, each 200 with the right content type', async () => {
    const res = await platform.request('GET', '/docs/', { host: 'localhost' });
    // No URL of another origin in the shell (absolute or protocol-relative).
    expect(res.text).not.toMatch(/https?:\/\//i);
    expect(res.text).not.toMatch(/(src|href)\s*=\s*"\/\//i);
    const urls = referencedUrls(res.text);
    const scripts = urls.filter((u) => u.startsWith('/docs/'));
    expect(scripts).toEqual([expect.stringMatching(/^\/docs\/scalar\.js\?v=[0-9a-f]+$/), expect.stringMatching(/^\/docs\/init\.js\?v=[0-9a-f]+$/)]);
    // The rest: the OpenAPI document(s) it renders (also linked from <noscript>).
    expect(urls.filter((u) => !u.startsWith('/docs/'))).toEqual(['/api/integrations/v1/openapi.json', '/api/admin/v1/openapi.json']);

    const contentTypes: Record<string, string> = {
      '/docs/scalar.js': 'text/javascript; charset=utf-8',
      '/docs/init.js': 'text/javascript; charset=utf-8',
      '/api/integrations/v1/openapi.json': 'application/json; charset=utf-8',
      '/api/admin/v1/openapi.json': 'application/json; charset=utf-8',
    };
    for (const url of urls) {
      const asset = await platform.request('GET', url, { host: 'localhost' });
      expect({ url, status: asset.status }).toEqual({ url, status: 200 });
      expect(header(asset, 'content-type')).toBe(contentTypes[url.split('?')[0]!]);
      if (url.startsWith('/docs/')) {
        expect(header(asset, 'cache-control')).toBe('public, max-age=31536000, immutable');
        expect(asset.text.length).toBeGreaterThan(0);
      }
    }
    const bundle = await platform.request('GET', '/docs/scalar.js', { host: 'localhost' });
    expect(bundle.text).toContain('createApiReference');
    expect(bundle.text.length).toBeGreaterThan(1_000_000);

    // The configuration points Scalar at the served document and turns off what reaches other origins.
    const init = await platform.request('GET', '/docs/init.js', { host: 'localhost' });
    expect(init.text).not.toMatch(/https?:\/\//i);
    expect(init.text).toContain('"url": "/api/integrations/v1/openapi.json"');
    expect(init.text).toContain('"url": "/api/admin/v1/openapi.json"');
    expect(init.text).toContain('"withDefaultFonts": false');
    expect(init.text).toContain('"telemetry": false');
  });

  it('answers HEAD like GET without a body, and 404 for other paths under /docs/', async () => {
    for (const path of ['/docs/', '/docs', '/docs/scalar.js', '/docs/init.js']) {
      const get = await platform.request('GET', path, { host: 'localhost' });
      const head = await platform.request('HEAD', path, { host: 'localhost' });
      expect({ path, status: head.status }).toEqual({ path, status: 200 });
      expect(head.text).toBe('');
      for (const name of ['content-type', 'cache-control', 'content-security-policy']) expect(header(head, name)).toBe(header(get, name));
    }
    for (const path of ['/docs/nope', '/docs/scalar.js/', '/docs/index.html', '/docs//', '/docsx']) {
      const res = await platform.request('GET', path, { host: 'localhost' });
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
  });
});
