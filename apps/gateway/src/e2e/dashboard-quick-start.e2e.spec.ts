/**
 * The Quick Start in the dashboard (admin.md §6; checklist items 82 and 83), in a real browser:
 * sign in, API Keys, Create key with the default scope, the key shown once with Copy, the copied
 * key used on the integration API; after a reload only its prefix; Revoke, and the next
 * integration request with it gets 401. Every request the page makes stays on the tenant host.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { BrowserRecorder, clipboardText, launchBrowser, screenshot } from './testing-support/browser';
import { ADMIN, navLink, openContext, signIn, startDashboardPlatform, type DashboardPlatform } from './testing-support/dashboard';

jest.setTimeout(60_000);

describe('the Quick Start in the dashboard', () => {
  let started: DashboardPlatform;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let recorder: BrowserRecorder;
  /** The key as the Copy button put it on the clipboard (set by #82, used by #83). */
  let copiedKey = '';
  const keyName = 'ERP sync (staging)';

  beforeAll(async () => {
    started = await startDashboardPlatform();
    browser = await launchBrowser();
    ({ context, page, recorder } = await openContext(browser));
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: started.origin });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await started?.platform.stop();
  });

  const integrationGet = (key: string) => started.platform.request('GET', '/api/integrations/v1/orders/', { host: 'acme.localhost', key });

  it('#82 sign in, API Keys, Create key with the default scope: shown once with Copy, the copied key reads orders, a reload shows only its prefix', async () => {
    await page.goto(`${started.origin}/dashboard/`);
    await signIn(page, ADMIN);
    await navLink(page, 'API Keys').click();
    await page.getByRole('heading', { name: 'API Keys', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/dashboard/settings/api-keys');

    await page.getByRole('button', { name: 'Create key' }).click();
    const form = page.getByRole('dialog', { name: 'Create key' });
    await form.getByRole('textbox', { name: 'Name' }).fill(keyName);
    // The default scope is integrations.* (selected).
    await expect(form.getByRole('checkbox', { name: /integrations\.\*/ }).isChecked()).resolves.toBe(true);
    const created = page.waitForResponse((r) => r.url().endsWith('/api/admin/v1/api-keys/') && r.request().method() === 'POST');
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    const createResponse = await created;
    expect(createResponse.status()).toBe(201);
    expect(createResponse.request().postDataJSON()).toMatchObject({ name: keyName, scopes: ['integrations.*'] });

    const shown = page.getByRole('dialog', { name: 'Your new API key' });
    await shown.waitFor();
    await expect(shown.textContent()).resolves.toContain('shown once');
    const key = await shown.getByRole('textbox').inputValue();
    expect(key).toMatch(/^sk_live_[0-9A-Za-z]{32,128}$/);
    await screenshot(page, 'dashboard-key-shown-once');
    await shown.getByRole('button', { name: 'Copy', exact: true }).click();
    await shown.getByText('Copied to the clipboard.').waitFor();
    copiedKey = await clipboardText(page);
    expect(copiedKey).toBe(key);

    const orders = await integrationGet(copiedKey);
    expect(orders.status).toBe(200);
    expect(orders.body).toMatchObject({ success: true, data: [] });

    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });
    await page.reload();
    const row = page.getByRole('row', { name: new RegExp(keyName.replace(/[()]/g, '\\$&')) });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain(copiedKey.slice(0, 12));
    expect(await page.content()).not.toContain(copiedKey);
    await expect(row.textContent()).resolves.toContain('Active');
    expect(recorder.elsewhere(started.origin)).toEqual([]);
    expect(recorder.cspViolations()).toEqual([]);
  });

  it('#83 Revoke in the API Keys table: the next integration request with the key gets 401 AUTHENTICATION_FAILED', async () => {
    expect(copiedKey).not.toBe('');
    expect((await integrationGet(copiedKey)).status).toBe(200);
    const row = page.getByRole('row', { name: new RegExp(keyName.replace(/[()]/g, '\\$&')) });
    const patched = page.waitForResponse((r) => /\/api\/admin\/v1\/api-keys\/[0-9a-f-]+\/$/.test(r.url()) && r.request().method() === 'PATCH');
    await row.getByRole('button', { name: 'Revoke', exact: true }).click();
    expect((await patched).status()).toBe(200);
    await row.getByRole('button', { name: 'Activate', exact: true }).waitFor();
    await expect(row.textContent()).resolves.toContain('Revoked');

    const refused = await integrationGet(copiedKey);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ success: false, error: { code: 'AUTHENTICATION_FAILED' } });
    expect(recorder.elsewhere(started.origin)).toEqual([]);
    expect(recorder.cspViolations()).toEqual([]);
  });
});
