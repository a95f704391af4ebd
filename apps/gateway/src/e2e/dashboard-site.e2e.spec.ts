/**
 * The dashboard as the gateway serves it (admin.md §1): `/dashboard/` and every path below it on
 * a tenant host, without a session; its files; and in a real browser (Chromium through
 * playwright-core): the Sign in screen renders at both supported sizes, is keyboard-operable,
 * and the page requests nothing from another origin, with nothing blocked by its CSP.
 */
import { startTestPlatform, type TestPlatform } from '@datamingle/testing';
import type { Browser } from 'playwright-core';
import { BrowserRecorder, isFocused, launchBrowser, overflowsHorizontally, screenshot, unlabelledControls, VIEWPORTS } from './testing-support/browser';

jest.setTimeout(60_000);

describe('the dashboard, served by the gateway', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    await platform.createTenant('acme');
    origin = `http://acme.localhost:${platform.gatewayPort}`;
    browser = await launchBrowser();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('#67 GET /dashboard/ and a deep link answer 200 HTML on a tenant host without a session; the page requests nothing from another origin', async () => {
    for (const path of ['/dashboard/', '/dashboard/settings/api-keys', '/dashboard/security?x=1']) {
      const r = await platform.request('GET', path, { host: 'acme.localhost' });
      expect({ path, status: r.status }).toEqual({ path, status: 200 });
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.text).toMatch(/^<!doctype html>/i);
      expect(r.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(r.headers['content-security-policy']).toMatch(/connect-src 'self'/);
      expect(r.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    }

    const recorder = new BrowserRecorder();
    const context = await browser.newContext({ viewport: VIEWPORTS.desktop });
    recorder.attach(context);
    const page = await context.newPage();
    await page.goto(`${origin}/dashboard/settings/api-keys`);
    // No session: the app shows Sign in (and will return to API Keys afterwards).
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/dashboard/sign-in');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/settings/api-keys');
    await page.waitForLoadState('networkidle');
    expect(recorder.requests.filter((u) => u.startsWith(`${origin}/dashboard/assets/`)).length).toBeGreaterThanOrEqual(2);
    expect(recorder.elsewhere(origin)).toEqual([]);
    expect(recorder.failed).toEqual([]);
    expect(recorder.cspViolations()).toEqual([]);
    await context.close();
  });

  it('redirects /dashboard to /dashboard/, caches the hashed assets for a year and answers 404 for a missing one', async () => {
    const redirect = await platform.request('GET', '/dashboard', { host: 'acme.localhost' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers['location']).toBe('/dashboard/');

    const page = await platform.request('GET', '/dashboard/', { host: 'acme.localhost' });
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) {
      expect(asset).toMatch(/^\/dashboard\/assets\/[\w.-]+-[\w-]{6,}\.(js|css)$/);
      const r = await platform.request('GET', asset, { host: 'acme.localhost' });
      expect({ asset, status: r.status }).toEqual({ asset, status: 200 });
      expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['content-type']).toMatch(asset.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
    }
    // Scripts only from files: no inline script for the CSP to allow.
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(page.text).not.toMatch(/https?:\/\//);
    expect((await platform.request('GET', '/dashboard/assets/index-00000000.js', { host: 'acme.localhost' })).status).toBe(404);
    expect((await platform.request('HEAD', '/dashboard/settings/users', { host: 'acme.localhost' })).status).toBe(200);
    expect((await platform.request('POST', '/dashboard/', { host: 'acme.localhost' })).status).toBe(405);
    // Any host of the gateway (the page needs no tenant to load).
    expect((await platform.request('GET', '/dashboard/', { host: 'localhost' })).status).toBe(200);
    // One metrics route label for all of it: deep links never grow the series.
    const metrics = (await platform.request('GET', '/metrics', { host: 'localhost' })).text;
    expect(metrics).toMatch(/datamingle_http_requests_total\{[^}]*route="\/dashboard\/"[^}]*\} \d+/);
    expect(metrics).not.toMatch(/route="[^"]*(settings|assets|index-)/);
  });

  it('the label check finds unlabelled controls (it is not vacuous)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.setContent('<button></button><input type="text"><label>Named <input type="checkbox"></label><a href="/x">link</a>');
    const missing = await unlabelledControls(page);
    expect(missing).toEqual([expect.stringMatching(/^button: <button>/), expect.stringMatching(/^textbox: <input type="text">/)]);
    await context.close();
  });

  it('the Sign in screen: labelled fields, keyboard operable, usable at 1280×800 and 390×844', async () => {
    for (const [name, viewport] of Object.entries(VIEWPORTS)) {
      const recorder = new BrowserRecorder();
      const context = await browser.newContext({ viewport });
      recorder.attach(context);
      const page = await context.newPage();
      await page.goto(`${origin}/dashboard/`);
      const email = page.getByRole('textbox', { name: 'Email' });
      const password = page.getByLabel('Password');
      const submit = page.getByRole('button', { name: 'Sign in' });
      await submit.waitFor();
      for (const control of [email, password, submit]) await expect(control.isVisible()).resolves.toBe(true);
      expect(await overflowsHorizontally(page)).toBe(false);
      expect(await unlabelledControls(page)).toEqual([]);
      // Keyboard: Email has the focus; Tab moves to Password, then to Sign in.
      await expect(isFocused(email)).resolves.toBe(true);
      await page.keyboard.type('ops@acme.example');
      await page.keyboard.press('Tab');
      await expect(isFocused(password)).resolves.toBe(true);
      await page.keyboard.press('Tab');
      await expect(isFocused(submit)).resolves.toBe(true);
      await screenshot(page, `dashboard-sign-in-${name}`);
      expect(recorder.elsewhere(origin)).toEqual([]);
      expect(recorder.cspViolations()).toEqual([]);
      await context.close();
    }
  });
});
