import { startTestPlatform, type TestPlatform } from '@datamingle/testing';
import type { Browser } from 'playwright-core';
import { bodyText, BrowserRecorder, launchBrowser, waitUntil } from './testing-support/browser';

/**
 * The API reference rendered by a real headless Chromium (Debian's `chromium-headless-shell`, or
 * `chromium`), driven by playwright-core: the page renders the operations of the document, and
 * every request the browser makes stays on this host, with nothing blocked by the page's CSP.
 * Without a Chromium the suite fails, saying how to install one (never skipped);
 * api-reference.e2e.spec.ts checks the page without a browser.
 */
describe('the API reference in a headless browser', () => {
  let platform: TestPlatform;
  let browser: Browser;

  beforeAll(async () => {
    platform = await startTestPlatform();
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('renders the operations of the document and makes no request to another origin', async () => {
    const context = await browser.newContext();
    const recorder = new BrowserRecorder().attach(context);
    const page = await context.newPage();
    const base = `http://localhost:${platform.gatewayPort}`;
    await page.goto(`${base}/docs/`);

    // Wait for Scalar to render the operation list from /api/integrations/v1/openapi.json.
    const expected = ['List orders', 'Create an order', 'Retrieve an order', '/api/integrations/v1/inventory/'];
    let text = '';
    await waitUntil(async () => expected.every((s) => text.includes(s)) || ((text = await bodyText(page)), false), 'the operations are rendered', 30_000);
    text = await bodyText(page);
    for (const s of expected) expect(text).toContain(s);
    expect(text).toContain('Datamingle integration API');
    // Let late requests (fonts, images, lazy chunks) happen before looking at them (Scalar keeps a
    // connection busy, so "network idle" never comes).
    await page.waitForTimeout(1_500);

    expect(recorder.requests).toContain(`${base}/docs/`);
    expect(recorder.requests).toContain(`${base}/api/integrations/v1/openapi.json`);
    expect(recorder.requests.some((u) => u.startsWith(`${base}/docs/scalar.js?v=`))).toBe(true);
    expect(recorder.requests.some((u) => u.startsWith(`${base}/docs/init.js?v=`))).toBe(true);
    expect(recorder.elsewhere(base)).toEqual([]);
    // Nothing blocked by the CSP either (a blocked request would mean a missed external reference or a too-strict policy).
    expect(recorder.failed).toEqual([]);
    expect(recorder.cspViolations()).toEqual([]);
    await context.close();
  }, 60_000);
});
