import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { buildDashboardSite, DASHBOARD_CONTENT_SECURITY_POLICY, DEFAULT_DASHBOARD_DIR, isDashboardPath, loadDashboardSite, readBuild } from './dashboard-site';

const INDEX = '<!doctype html><html><head><script type="module" crossorigin src="/dashboard/assets/index-AbC123.js"></script></head><body><div id="root"></div></body></html>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});`;
const files = new Map<string, Buffer>([
  ['index.html', Buffer.from(INDEX)],
  ['assets/index-AbC123.js', Buffer.from(SCRIPT)],
  ['assets/index-Def456.css', Buffer.from('body{margin:0}')],
  ['favicon.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')],
]);
const site = buildDashboardSite(files);
const get = (path: string, encoding?: string) => site.respond('GET', path, encoding)!;

describe('the dashboard site', () => {
  it('claims /dashboard and every path below /dashboard/, nothing else', () => {
    for (const path of ['/dashboard', '/dashboard/', '/dashboard/settings/api-keys', '/dashboard/assets/x.js']) expect(isDashboardPath(path)).toBe(true);
    for (const path of ['/', '/dashboards', '/dashboardx/', '/docs/', '/api/admin/v1/me/', '/Dashboard/']) {
      expect(isDashboardPath(path)).toBe(false);
      expect(site.respond('GET', path)).toBeUndefined();
    }
  });

  it('redirects /dashboard to /dashboard/', () => {
    const r = get('/dashboard');
    expect(r.status).toBe(301);
    expect(r.headers['location']).toBe('/dashboard/');
    expect(r.body).toBeNull();
  });

  it('serves index.html at /dashboard/ and for every deep link, never cached, with a strict CSP', () => {
    for (const path of ['/dashboard/', '/dashboard/index.html', '/dashboard/settings/api-keys', '/dashboard/sign-in', '/dashboard/a/b/c%20d', '/dashboard/..%2F..%2Fetc%2Fpasswd']) {
      const r = get(path);
      expect({ path, status: r.status }).toEqual({ path, status: 200 });
      expect(r.body!.toString()).toBe(INDEX);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.headers['cache-control']).toBe('no-cache');
      expect(r.headers['content-security-policy']).toBe(DASHBOARD_CONTENT_SECURITY_POLICY);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['content-length']).toBe(String(Buffer.byteLength(INDEX)));
    }
  });

  it('allows this origin only: no inline script or style, no other origin to connect to, no framing', () => {
    const directives = new Map(DASHBOARD_CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    // React Aria's two injected <style> elements, by hash; nothing else inline.
    expect(directives.get('style-src')).toEqual(["'self'", "'sha256-38RhXrc7EdReTKsOm23ZPOCUgniTUUcjky8QOOrQx6o='", "'sha256-gYiS/BvZvRcK27JIXTuwhZ3hs2+VJ1X+2gUlE+farlg='"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(DASHBOARD_CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|https?:|\*|nonce-/);
  });

  it('serves the hashed assets for a year, other files briefly, each with its type and nosniff', () => {
    const js = get('/dashboard/assets/index-AbC123.js');
    expect(js.status).toBe(200);
    expect(js.body!.toString()).toBe(SCRIPT);
    expect(js.headers).toMatchObject({ 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=31536000, immutable', 'x-content-type-options': 'nosniff' });
    expect(js.headers['content-security-policy']).toBeUndefined();
    expect(get('/dashboard/assets/index-Def456.css').headers['content-type']).toBe('text/css; charset=utf-8');
    const icon = get('/dashboard/favicon.svg');
    expect(icon.headers).toMatchObject({ 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=300' });
  });

  it('answers 404 for a missing asset (never the page in place of a script)', () => {
    const r = get('/dashboard/assets/index-Old999.js');
    expect(r.status).toBe(404);
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('gzips larger text files for clients that accept it', () => {
    const plain = get('/dashboard/assets/index-AbC123.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['vary']).toBe('Accept-Encoding');
    const zipped = get('/dashboard/assets/index-AbC123.js', 'gzip, deflate, br');
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(Number(zipped.headers['content-length'])).toBe(zipped.body!.length);
    expect(zipped.body!.length).toBeLessThan(plain.body!.length);
    expect(gunzipSync(zipped.body!).toString()).toBe(SCRIPT);
    expect(get('/dashboard/assets/index-AbC123.js', 'gzip;q=0, br').headers['content-encoding']).toBeUndefined();
    // Small files are sent as they are.
    expect(get('/dashboard/assets/index-Def456.css', 'gzip').headers['content-encoding']).toBeUndefined();
  });

  it('answers HEAD without a body and other methods with 405', () => {
    const head = site.respond('HEAD', '/dashboard/settings/api-keys')!;
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(INDEX)));
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const r = site.respond(method, '/dashboard/')!;
      expect(r.status).toBe(405);
      expect(r.headers['allow']).toBe('GET, HEAD');
    }
  });

  it('needs an index.html', () => {
    expect(() => buildDashboardSite(new Map([['assets/a.js', Buffer.from('')]]))).toThrow(/index\.html/);
  });

  describe('from a build folder', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'dashboard-site-'));
      mkdirSync(join(dir, 'assets'));
      writeFileSync(join(dir, 'index.html'), INDEX);
      writeFileSync(join(dir, 'assets', 'index-AbC123.js'), SCRIPT);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reads every file with its path relative to the folder', () => {
      expect([...readBuild(dir).keys()].sort()).toEqual(['assets/index-AbC123.js', 'index.html']);
      const { site: loaded, problem } = loadDashboardSite(dir);
      expect(problem).toBeNull();
      expect(loaded.respond('GET', '/dashboard/assets/index-AbC123.js')!.body!.toString()).toBe(SCRIPT);
    });

    it('without a build, answers 503 on the dashboard paths and says why', () => {
      const { site: missing, problem } = loadDashboardSite(join(dir, 'nothing-here'));
      expect(problem).toMatch(/no index\.html/);
      expect(missing.respond('GET', '/dashboard/')!.status).toBe(503);
      expect(missing.respond('GET', '/docs/')).toBeUndefined();
    });
  });

  it('looks for the build in apps/dashboard/dist', () => {
    expect(DEFAULT_DASHBOARD_DIR.replace(/\\/g, '/')).toMatch(/\/apps\/dashboard\/dist$/);
  });
});
