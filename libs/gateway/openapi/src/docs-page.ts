/**
 * The human API reference at /docs/: a small HTML shell around Scalar's API reference
 * (`@scalar/api-reference`, its browser bundle), pointed at the OpenAPI document(s) the gateway
 * serves. Everything the page loads comes from the platform itself:
 *
 * - `/docs/` (and `/docs`): the shell — a mount point, a `<noscript>` fallback that links the
 *   documents, and two same-origin scripts;
 * - `/docs/scalar.js`: the bundle, read once at startup by the app and passed in here;
 * - `/docs/init.js`: `Scalar.createApiReference(...)` with the configuration below (a separate
 *   file, so the Content-Security-Policy needs no inline script).
 *
 * Scalar is configured not to reach other origins (no default fonts from fonts.scalar.com, no
 * telemetry, no "Open API client"/developer toolbar/agent, no request proxy), and the shell is
 * sent with a Content-Security-Policy that allows `'self'` only, so anything missed is blocked
 * by the browser rather than loaded silently. Both scripts are referenced with a content hash
 * in the query, so they can be cached for a year.
 *
 * The list of documents is a parameter (Scalar's `sources`): a second API (e.g. the admin API)
 * is one more entry.
 *
 * Pure: no I/O (the bundle's text is an input).
 */
import { createHash } from 'node:crypto';

/** The base path of the reference; every asset lives under it. */
export const DOCS_BASE_PATH = '/docs/';

/** The Content-Security-Policy of the shell: same origin only. Scalar injects `<style>` elements (inline styles). */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

/** One OpenAPI document listed on the reference. */
export interface DocsSource {
  /** Shown in the document selector (when there is more than one). */
  title: string;
  /** The document's id in the page's URL fragment. */
  slug: string;
  /** A same-origin path (e.g. `/api/integrations/v1/openapi.json`). */
  url: string;
}

export interface DocsSiteOptions {
  /** The page title (`<title>`). */
  title: string;
  /** At least one document; the first is shown first. */
  sources: readonly DocsSource[];
  /** The text of `@scalar/api-reference`'s browser bundle (dist/browser/standalone.js). */
  scalarBundle: string;
}

/** A response of the reference: body, content type and cache policy. */
export interface DocsAsset {
  contentType: string;
  headers: Record<string, string>;
  body: string;
}

/** The reference's responses by path (`/docs`, `/docs/`, `/docs/scalar.js`, `/docs/init.js`). */
export interface DocsSite {
  /** The asset at `path` (the request path without the query), or undefined (404). */
  get(path: string): DocsAsset | undefined;
  /** Every path served. */
  readonly paths: readonly string[];
}

const LONG_CACHE = 'public, max-age=31536000, immutable';

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** A same-origin path: starts with one `/` (not `//host`), no scheme. */
function isSameOriginPath(url: string): boolean {
  return /^\/(?!\/)/.test(url) && !/[\s\\]/.test(url);
}

/** Scalar's configuration (`createApiReference`): the documents, and everything that would reach another origin turned off. */
export function scalarConfiguration(sources: readonly DocsSource[]): Record<string, unknown> {
  return {
    sources: sources.map((s, i) => ({ title: s.title, slug: s.slug, url: s.url, default: i === 0, agent: { disabled: true } })),
    // Fonts from fonts.scalar.com otherwise; the theme falls back to the system fonts.
    withDefaultFonts: false,
    telemetry: false,
    // The standalone API client, the developer toolbar (share/upload to scalar.com) and the AI agent.
    hideClientButton: true,
    showDeveloperTools: 'never',
    showToolbar: 'never',
    // No proxyUrl: "try it" requests go straight to the selected server (the CSP allows this origin only).
    documentDownloadType: 'json',
    defaultOpenFirstTag: true,
  };
}

export function buildDocsSite(options: DocsSiteOptions): DocsSite {
  if (options.sources.length === 0) throw new Error('the API reference needs at least one document');
  const slugs = new Set<string>();
  for (const source of options.sources) {
    if (!isSameOriginPath(source.url)) throw new Error(`the API reference loads documents from this origin only: ${source.url}`);
    if (!/^[a-z0-9-]+$/.test(source.slug) || slugs.has(source.slug)) throw new Error(`invalid or repeated document slug: ${source.slug}`);
    slugs.add(source.slug);
  }

  // `<` escaped so the JSON cannot close anything if it were ever inlined.
  const init = `"use strict";\nScalar.createApiReference('#app', ${JSON.stringify(scalarConfiguration(options.sources), null, 2).replace(/</g, '\\u003c')});\n`;
  const bundleUrl = `${DOCS_BASE_PATH}scalar.js?v=${contentHash(options.scalarBundle)}`;
  const initUrl = `${DOCS_BASE_PATH}init.js?v=${contentHash(init)}`;
  const title = escapeHtml(options.title);
  const links = options.sources.map((s) => `<li><a href="${escapeHtml(s.url)}">${escapeHtml(s.title)}</a> (OpenAPI document)</li>`).join('');

  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} — reference</title>
</head>
<body>
<noscript><h1>${title}</h1><p>This reference needs JavaScript. The documents it renders:</p><ul>${links}</ul></noscript>
<div id="app"></div>
<script src="${escapeHtml(bundleUrl)}"></script>
<script src="${escapeHtml(initUrl)}"></script>
</body>
</html>
`;

  const security = { 'x-content-type-options': 'nosniff' };
  const page: DocsAsset = {
    contentType: 'text/html; charset=utf-8',
    headers: { 'cache-control': 'no-store', 'content-security-policy': DOCS_CONTENT_SECURITY_POLICY, 'referrer-policy': 'no-referrer', ...security },
    body: html,
  };
  const script = (body: string): DocsAsset => ({ contentType: 'text/javascript; charset=utf-8', headers: { 'cache-control': LONG_CACHE, ...security }, body });
  const assets = new Map<string, DocsAsset>([
    ['/docs', page],
    [DOCS_BASE_PATH, page],
    [`${DOCS_BASE_PATH}scalar.js`, script(options.scalarBundle)],
    [`${DOCS_BASE_PATH}init.js`, script(init)],
  ]);
  return { get: (path) => assets.get(path), paths: [...assets.keys()] };
}
