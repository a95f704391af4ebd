/**
 * The dashboard (apps/dashboard, a single-page app built by Vite into apps/dashboard/dist) served
 * on every host of the gateway under /dashboard/ (admin.md §1):
 *
 * - `/dashboard` → `301` to `/dashboard/`;
 * - a file of the build (`/dashboard/assets/index-<hash>.js`, …) → the file; the content-hashed
 *   files under `assets/` are cached for a year (`immutable`), anything else briefly;
 * - any other path below `/dashboard/` → `index.html` (the app's router shows the screen, so deep
 *   links such as `/dashboard/settings/api-keys` load the app), never cached, so a new release is
 *   picked up on the next load;
 * - a missing file under `/dashboard/assets/` → `404`: a stale page asking for an asset of an older
 *   build must not get HTML in place of a script;
 * - other methods → `405` with `Allow: GET, HEAD`.
 *
 * Every answer carries `X-Content-Type-Options: nosniff`; HTML adds a strict
 * Content-Security-Policy (same origin only, no inline script, no framing), so the dashboard can
 * request nothing from any other origin. Files are read once at startup (the build is small) and
 * gzip-compressed once; requests never touch the file system, so no path can escape the folder.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

export const DASHBOARD_BASE_PATH = '/dashboard/';

/**
 * The only inline styles the dashboard may apply: the two `<style>` elements React Aria injects
 * (react-aria's usePress: no double-tap delay on touch; usePreventScroll: no scroll chaining
 * under an open dialog on iOS), allowed by their hashes. A change of their text in a new React
 * Aria release shows up as a CSP violation in the browser tests (dashboard-*.e2e.spec.ts).
 */
export const DASHBOARD_INLINE_STYLES = [
  '@layer {\n  [data-react-aria-pressable] {\n    touch-action: pan-x pan-y pinch-zoom;\n  }\n}',
  '@layer {\n  * {\n    overscroll-behavior: contain;\n  }\n}',
];

const styleHash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * The dashboard's Content-Security-Policy: everything from this origin, no inline script, no
 * inline style but the hashed ones above, nothing to connect to elsewhere, no framing.
 */
export const DASHBOARD_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  `style-src 'self' ${DASHBOARD_INLINE_STYLES.map(styleHash).join(' ')}`,
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** A dashboard answer; the body is bytes (`null` for HEAD and redirects). */
export interface DashboardResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | null;
}

export interface DashboardSite {
  /** The answer for a request to `path` (without the query), or `undefined` when the path is not the dashboard's. */
  respond(method: string, path: string, acceptEncoding?: string | string[]): DashboardResponse | undefined;
}

/** `/dashboard` and every path below `/dashboard/`. */
export function isDashboardPath(path: string): boolean {
  return path === '/dashboard' || path.startsWith(DASHBOARD_BASE_PATH);
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.svg', '.txt', '.webmanifest']);

const LONG_CACHE = 'public, max-age=31536000, immutable';
const SHORT_CACHE = 'public, max-age=300';
const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff' };
const PAGE_HEADERS = {
  'content-security-policy': DASHBOARD_CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cache-control': 'no-cache',
};

interface StaticFile {
  contentType: string;
  cacheControl: string;
  body: Buffer;
  gzip: Buffer | null;
  isPage: boolean;
}

function acceptsGzip(acceptEncoding: string | string[] | undefined): boolean {
  const value = Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : (acceptEncoding ?? '');
  return value.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== '*') return false;
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    return q === undefined || Number(q) > 0;
  });
}

/**
 * The dashboard from its built files: `files` maps paths relative to the build folder
 * (`index.html`, `assets/index-<hash>.js`, …) to their bytes. It must contain `index.html`.
 */
export function buildDashboardSite(files: ReadonlyMap<string, Buffer>): DashboardSite {
  const index = files.get('index.html');
  if (!index) throw new Error('the dashboard build has no index.html');
  const served = new Map<string, StaticFile>();
  for (const [name, body] of files) {
    const ext = extname(name).toLowerCase();
    const isPage = ext === '.html';
    const gzip = COMPRESSIBLE.has(ext) && body.length >= 1024 ? gzipSync(body, { level: 9 }) : null;
    served.set(DASHBOARD_BASE_PATH + name, {
      contentType: CONTENT_TYPES[ext] ?? 'application/octet-stream',
      cacheControl: isPage ? PAGE_HEADERS['cache-control'] : name.startsWith('assets/') ? LONG_CACHE : SHORT_CACHE,
      body,
      gzip: gzip && gzip.length < body.length ? gzip : null,
      isPage,
    });
  }
  const page = served.get(`${DASHBOARD_BASE_PATH}index.html`)!;

  const answer = (file: StaticFile, method: string, acceptEncoding: string | string[] | undefined): DashboardResponse => {
    const gzip = file.gzip && acceptsGzip(acceptEncoding) ? file.gzip : null;
    const body = gzip ?? file.body;
    const headers: Record<string, string> = {
      'content-type': file.contentType,
      'content-length': String(body.length),
      ...(file.isPage ? PAGE_HEADERS : {}),
      'cache-control': file.cacheControl,
      ...SECURITY_HEADERS,
    };
    if (file.gzip) headers['vary'] = 'Accept-Encoding';
    if (gzip) headers['content-encoding'] = 'gzip';
    return { status: 200, headers, body: method === 'HEAD' ? null : body };
  };

  return {
    respond(method, path, acceptEncoding) {
      if (!isDashboardPath(path)) return undefined;
      if (method !== 'GET' && method !== 'HEAD') return plain(405, 'Method not allowed.', method, { allow: 'GET, HEAD' });
      if (path === '/dashboard') return { status: 301, headers: { location: DASHBOARD_BASE_PATH, 'cache-control': 'no-cache', ...SECURITY_HEADERS }, body: null };
      const file = served.get(path);
      if (file) return answer(file, method, acceptEncoding);
      if (path.startsWith(`${DASHBOARD_BASE_PATH}assets/`)) return plain(404, 'Not found.', method);
      return answer(page, method, acceptEncoding);
    },
  };
}

/** Served when the dashboard was not built (e.g. `tsc -b` without `npm run build`): every dashboard path says so. */
export function missingDashboardSite(reason: string): DashboardSite {
  return {
    respond(method, path) {
      if (!isDashboardPath(path)) return undefined;
      return plain(503, `The dashboard is not available: ${reason}`, method);
    },
  };
}

function plain(status: number, text: string, method: string, extra: Record<string, string> = {}): DashboardResponse {
  const body = Buffer.from(`${text}\n`);
  return {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(body.length), 'cache-control': 'no-store', ...SECURITY_HEADERS, ...extra },
    body: method === 'HEAD' ? null : body,
  };
}

/** Every file below `dir`, by its path relative to `dir` with `/` separators. */
export function readBuild(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.set(relative(dir, full).split(sep).join('/'), readFileSync(full));
    }
  };
  walk(dir);
  return files;
}

/**
 * The dashboard built into `dir` (apps/dashboard/dist: beside the gateway's own dist folder in the
 * repository and in the image). Without a build, a site that answers `503` with the reason, so
 * the gateway still serves the APIs.
 */
export function loadDashboardSite(dir: string): { site: DashboardSite; problem: string | null } {
  if (!existsSync(join(dir, 'index.html')) || !statSync(dir).isDirectory()) {
    const problem = `${dir} has no index.html (run \`npm run build\`)`;
    return { site: missingDashboardSite('it was not built with this release.'), problem };
  }
  return { site: buildDashboardSite(readBuild(dir)), problem: null };
}

/** Where the built dashboard is, seen from the gateway's compiled code (apps/gateway/dist → apps/dashboard/dist). */
export const DEFAULT_DASHBOARD_DIR = join(__dirname, '..', '..', 'dashboard', 'dist');
