import { buildDocsSite, DOCS_CONTENT_SECURITY_POLICY, scalarConfiguration, type DocsSource } from './docs-page';

const INTEGRATIONS: DocsSource = { title: 'Datamingle integration API', slug: 'integrations-v1', url: '/api/integrations/v1/openapi.json' };
const BUNDLE = '/* scalar */ window.Scalar = { createApiReference() {} };';

/** Every URL the HTML references (src, href, and url() in attributes). */
function referencedUrls(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href|action|data-url)\s*=\s*"([^"]*)"/gi)].map((m) => m[1]!.replace(/&amp;/g, '&'));
}

describe('the API reference (Scalar shell)', () => {
  const site = buildDocsSite({ title: 'Datamingle integration API', sources: [INTEGRATIONS], scalarBundle: BUNDLE });
  const page = site.get('/docs/')!;
  const html = page.body;

  it('serves the same page at /docs and /docs/, and only the known paths', () => {
    expect(site.get('/docs')).toBe(page);
    expect(site.paths).toEqual(['/docs', '/docs/', '/docs/scalar.js', '/docs/init.js']);
    for (const path of ['/docs/x', '/docs/scalar.js/', '/docs//', '/docs/index.html', '/doc']) expect(site.get(path)).toBeUndefined();
  });

  it('is a complete HTML document with the title and a noscript link to the document', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<title>Datamingle integration API — reference</title>');
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).toContain('<noscript>');
    expect(html).toContain('<a href="/api/integrations/v1/openapi.json">Datamingle integration API</a>');
    expect(page.contentType).toBe('text/html; charset=utf-8');
  });

  it('references only same-origin URLs and has no inline script or style', () => {
    const urls = referencedUrls(html);
    expect(urls.length).toBeGreaterThanOrEqual(3);
    for (const url of urls) expect(url).toMatch(/^\/(?!\/)/);
    expect(html).not.toMatch(/https?:|\/\/[a-z]/i);
    // Scripts only by src (the CSP allows no inline script).
    expect(html.match(/<script\b[^>]*>/gi)).toEqual([expect.stringMatching(/src="\/docs\/scalar\.js\?v=[0-9a-f]{16}"/), expect.stringMatching(/src="\/docs\/init\.js\?v=[0-9a-f]{16}"/)]);
    expect(html).not.toMatch(/<script\b[^>]*>[^<]+<\/script>/i);
    expect(html).not.toMatch(/<style|<link/i);
    // The init script is the configuration: no URL of another origin in it either.
    expect(site.get('/docs/init.js')!.body).not.toMatch(/https?:|\/\/[a-z]/i);
  });

  it('sends a Content-Security-Policy that allows the same origin only', () => {
    expect(page.headers['content-security-policy']).toBe(DOCS_CONTENT_SECURITY_POLICY);
    const directives = Object.fromEntries(DOCS_CONTENT_SECURITY_POLICY.split(/;\s*/).map((d) => { const [name, ...values] = d.split(' '); return [name!, values]; }));
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['connect-src']).toEqual(["'self'"]);
    expect(directives['font-src']).toEqual(["'self'"]);
    expect(directives['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
    expect(directives['img-src']).toEqual(["'self'", 'data:']);
    expect(directives['object-src']).toEqual(["'none'"]);
    // No host sources, no wildcards, no eval.
    expect(DOCS_CONTENT_SECURITY_POLICY).not.toMatch(/\*|https?:|unsafe-eval|blob:/);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves the bundle and the init script as JavaScript with a long cache, versioned by content', () => {
    for (const path of ['/docs/scalar.js', '/docs/init.js']) {
      const asset = site.get(path)!;
      expect(asset.contentType).toBe('text/javascript; charset=utf-8');
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(asset.headers['x-content-type-options']).toBe('nosniff');
    }
    expect(site.get('/docs/scalar.js')!.body).toBe(BUNDLE);
    const other = buildDocsSite({ title: 'Datamingle integration API', sources: [INTEGRATIONS], scalarBundle: `${BUNDLE} ` }).get('/docs/')!.body;
    const version = (h: string) => /scalar\.js\?v=([0-9a-f]+)/.exec(h)![1];
    expect(version(other)).not.toBe(version(html));
  });

  it('lists the document(s) as Scalar sources, with everything reaching other origins turned off', () => {
    const init = site.get('/docs/init.js')!.body;
    expect(init).toMatch(/^"use strict";\nScalar\.createApiReference\('#app', \{/);
    const config = JSON.parse(init.slice(init.indexOf('{'), init.lastIndexOf('}') + 1)) as Record<string, unknown>;
    expect(config).toEqual(scalarConfiguration([INTEGRATIONS]));
    expect(config['sources']).toEqual([{ ...INTEGRATIONS, default: true, agent: { disabled: true } }]);
    expect(config).toMatchObject({ withDefaultFonts: false, telemetry: false, hideClientButton: true, showDeveloperTools: 'never', showToolbar: 'never' });
    expect(config).not.toHaveProperty('proxyUrl');
    expect(config).not.toHaveProperty('proxy');
  });

  it('takes more documents as a parameter (e.g. the admin API next to the integration API)', () => {
    const admin: DocsSource = { title: 'Datamingle admin API', slug: 'admin-v1', url: '/api/admin/v1/openapi.json' };
    const two = buildDocsSite({ title: 'Datamingle APIs', sources: [INTEGRATIONS, admin], scalarBundle: BUNDLE });
    const init = two.get('/docs/init.js')!.body;
    const config = JSON.parse(init.slice(init.indexOf('{'), init.lastIndexOf('}') + 1)) as { sources: { slug: string; url: string; default: boolean }[] };
    expect(config.sources.map((s) => [s.slug, s.url, s.default])).toEqual([
      ['integrations-v1', '/api/integrations/v1/openapi.json', true],
      ['admin-v1', '/api/admin/v1/openapi.json', false],
    ]);
    expect(two.get('/docs/')!.body).toContain('<a href="/api/admin/v1/openapi.json">Datamingle admin API</a>');
  });

  it('refuses documents from another origin, bad slugs and an empty list', () => {
    const build = (sources: DocsSource[]) => () => buildDocsSite({ title: 't', sources, scalarBundle: BUNDLE });
    expect(build([])).toThrow(/at least one/);
    for (const url of ['https://example.com/openapi.json', '//example.com/openapi.json', 'openapi.json', '/\\example.com']) {
      expect(build([{ ...INTEGRATIONS, url }])).toThrow(/this origin only/);
    }
    expect(build([INTEGRATIONS, INTEGRATIONS])).toThrow(/slug/);
    expect(build([{ ...INTEGRATIONS, slug: 'Bad Slug' }])).toThrow(/slug/);
  });

  it('escapes text taken from the options', () => {
    const custom = buildDocsSite({ title: '<b>Title</b> & "quotes"', sources: [{ ...INTEGRATIONS, title: '<i>x</i>' }], scalarBundle: BUNDLE });
    const body = custom.get('/docs/')!.body;
    expect(body).toContain('&lt;b&gt;Title&lt;/b&gt; &amp; &quot;quotes&quot;');
    expect(body).not.toContain('<b>Title</b>');
    expect(body).not.toContain('<i>x</i>');
    expect(custom.get('/docs/init.js')!.body).not.toContain('<i>');
  });
});
