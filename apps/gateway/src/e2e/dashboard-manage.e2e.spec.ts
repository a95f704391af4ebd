/**
 * The dashboard's other write flows in a real browser, against the real admin API (admin.md §6):
 * Rotate shows the new key once and keeps the old one working; Delete asks first and the key stops
 * working; a key with chosen per-resource scopes and an expiry; Users: create a user with a role,
 * change the role, disable with confirmation (the user's sign-in then fails); Security lists the
 * refused requests newest first and pages with the API's cursor ("Load more").
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { BrowserRecorder, clickLabelOf, focusedControl, waitUntil } from './testing-support/browser';
import { ADMIN, closeDashboard, navLink, openSignedIn, type DashboardPlatform } from './testing-support/dashboard';

jest.setTimeout(60_000);

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('managing keys, users and security events in the dashboard', () => {
  let started: DashboardPlatform;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let recorder: BrowserRecorder;

  beforeAll(async () => {
    ({ started, browser, context, page, recorder } = await openSignedIn('/dashboard/settings/api-keys', (p) => p.getByRole('heading', { name: 'API Keys', level: 1 })));
  }, 90_000);

  afterAll(() => closeDashboard({ recorder, context, browser, started }));

  const ordersWith = (key: string) => started.platform.request('GET', '/api/integrations/v1/orders/', { host: 'acme.localhost', key });
  const row = (name: string | RegExp) => page.getByRole('row', { name: typeof name === 'string' ? new RegExp(escape(name)) : name });

  /** Creates a key through the form; returns the key shown once. */
  async function createKey(name: string, fill: (form: ReturnType<Page['getByRole']>) => Promise<void> = async () => undefined): Promise<string> {
    await navLink(page, 'API Keys').click();
    await page.getByRole('button', { name: 'Create key' }).click();
    const form = page.getByRole('dialog', { name: 'Create key' });
    await form.getByRole('textbox', { name: 'Name' }).fill(name);
    await fill(form);
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    const shown = page.getByRole('dialog', { name: 'Your new API key' });
    const key = await shown.getByRole('textbox').inputValue();
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });
    return key;
  }

  it('Rotate shows the new key once, named after the old one; both keys work until the old one is revoked', async () => {
    const oldKey = await createKey('Warehouse sync');
    await row('Warehouse sync').getByRole('button', { name: 'Rotate', exact: true }).click();
    const shown = page.getByRole('dialog', { name: 'Your new API key' });
    await shown.waitFor();
    await expect(shown.textContent()).resolves.toContain('shown once');
    const newKey = await shown.getByRole('textbox').inputValue();
    expect(newKey).toMatch(/^sk_live_/);
    expect(newKey).not.toBe(oldKey);
    await shown.getByRole('button', { name: 'Done' }).click();
    await row(/Warehouse sync \(rotated/).waitFor();
    expect((await ordersWith(oldKey)).status).toBe(200);
    expect((await ordersWith(newKey)).status).toBe(200);
    await row(/^Warehouse sync(?! \(rotated)/).getByRole('button', { name: 'Revoke', exact: true }).click();
    await row(/^Warehouse sync(?! \(rotated)/).getByRole('button', { name: 'Activate', exact: true }).waitFor();
    expect((await ordersWith(oldKey)).status).toBe(401);
    expect((await ordersWith(newKey)).status).toBe(200);
  });

  it('keyboard only: Create key, Copy and Done, then Revoke in the table', async () => {
    await navLink(page, 'API Keys').click();
    await page.getByRole('heading', { name: 'API Keys', level: 1 }).waitFor();
    const focusedName = () => focusedControl(page);
    // Tab from the heading to Create key.
    for (let i = 0; i < 10 && (await focusedName()) !== 'button:Create key'; i++) await page.keyboard.press('Tab');
    expect(await focusedName()).toBe('button:Create key');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Keyboard key');
    await page.keyboard.press('Enter');
    const shown = page.getByRole('dialog', { name: 'Your new API key' });
    await shown.waitFor();
    const key = await shown.getByRole('textbox').inputValue();
    for (let i = 0; i < 10 && (await focusedName()) !== 'button:Copy'; i++) await page.keyboard.press('Tab');
    expect(await focusedName()).toBe('button:Copy');
    await page.keyboard.press('Enter');
    await shown.getByText(/Copied to the clipboard|Copying failed/).waitFor();
    for (let i = 0; i < 10 && (await focusedName()) !== 'button:Done'; i++) await page.keyboard.press('Tab');
    expect(await focusedName()).toBe('button:Done');
    await page.keyboard.press('Enter');
    await shown.waitFor({ state: 'detached' });
    // Into the table and along to the row's Revoke button (arrow keys inside the grid, as React Aria's grid expects).
    const keyRow = row('Keyboard key');
    await keyRow.waitFor();
    // Tab into the grid (one tab stop), then arrows: up or down to the row, left or right to its Revoke button.
    const grid = page.getByRole('grid', { name: 'API keys' });
    let reached = false;
    for (let i = 0; i < 60 && !reached; i++) {
      const name = await focusedName();
      const inGrid = await grid.evaluate((g) => g.contains(g.ownerDocument.activeElement));
      const where = await keyRow.evaluate((r) => {
        const active = r.ownerDocument.activeElement;
        if (!active || r.contains(active)) return 'in';
        return r.compareDocumentPosition(active) & 2 ? 'above' : 'below';
      });
      if (where === 'in' && name === 'button:Revoke') reached = true;
      else if (!inGrid) await page.keyboard.press('Tab');
      else if (where === 'above') await page.keyboard.press('ArrowDown');
      else if (where === 'below') await page.keyboard.press('ArrowUp');
      else await page.keyboard.press(name === 'button:Rotate' || name === 'button:Delete' ? 'ArrowLeft' : 'ArrowRight');
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    await keyRow.getByRole('button', { name: 'Activate', exact: true }).waitFor();
    expect((await ordersWith(key)).status).toBe(401);
  });

  it('Delete asks first; Cancel keeps the key, Delete removes it and it stops working', async () => {
    const key = await createKey('Old ERP');
    await row('Old ERP').getByRole('button', { name: 'Delete', exact: true }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete key' });
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect((await ordersWith(key)).status).toBe(200);
    await row('Old ERP').getByRole('button', { name: 'Delete', exact: true }).click();
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await row('Old ERP').waitFor({ state: 'detached' });
    const refused = await ordersWith(key);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: { code: 'AUTHENTICATION_FAILED' } });
  });

  it('a key with per-resource scopes (orders: read) and an expiry date can read orders and nothing else', async () => {
    const key = await createKey('Orders reader', async (form) => {
      await clickLabelOf(form.getByRole('checkbox', { name: /integrations\.\*/ }));
      await clickLabelOf(form.getByRole('checkbox', { name: 'Orders: read' }));
      await form.getByLabel('Expires on (optional)').fill('2099-12-31');
    });
    const keyRow = row('Orders reader');
    await expect(keyRow.textContent()).resolves.toContain('orders.read');
    await expect(keyRow.textContent()).resolves.toContain('2099');
    expect((await ordersWith(key)).status).toBe(200);
    const products = await started.platform.request('GET', '/api/integrations/v1/products/', { host: 'acme.localhost', key });
    expect(products.status).toBe(403);
    expect(products.body).toMatchObject({ error: { code: 'PERMISSION_DENIED' } });
  });

  it('no scope chosen: the form says so and creates nothing', async () => {
    await page.getByRole('button', { name: 'Create key' }).click();
    const form = page.getByRole('dialog', { name: 'Create key' });
    await form.getByRole('textbox', { name: 'Name' }).fill('No scopes');
    await clickLabelOf(form.getByRole('checkbox', { name: /integrations\.\*/ }));
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    await form.getByRole('alert').filter({ hasText: 'Choose at least one scope.' }).waitFor();
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });
    await expect(row('No scopes').count()).resolves.toBe(0);
  });

  it('Users: create a viewer, make them admin and viewer again, disable them (with confirmation): their sign-in then fails', async () => {
    await navLink(page, 'Users').click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Create user' }).click();
    const form = page.getByRole('dialog', { name: 'Create user' });
    await form.getByRole('textbox', { name: 'Email' }).fill('new.viewer@acme.example');
    await form.getByRole('textbox', { name: 'Name' }).fill('New Viewer');
    await form.getByLabel('Password').fill('a long enough password');
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    await form.waitFor({ state: 'detached' });
    const userRow = row('new.viewer@acme.example');
    await expect(userRow.textContent()).resolves.toContain('viewer');

    await userRow.getByRole('button', { name: 'Make admin' }).click();
    await userRow.getByRole('button', { name: 'Make viewer' }).waitFor();
    await userRow.getByRole('button', { name: 'Make viewer' }).click();
    await userRow.getByRole('button', { name: 'Make admin' }).waitFor();

    const signInAs = (password: string) =>
      started.platform.request('POST', '/api/admin/v1/session/', { host: 'acme.localhost', body: { email: 'new.viewer@acme.example', password } });
    expect((await signInAs('a long enough password')).status).toBe(200);
    await userRow.getByRole('button', { name: 'Disable' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Disable user' });
    await confirm.getByRole('button', { name: 'Disable', exact: true }).click();
    await userRow.getByRole('button', { name: 'Enable' }).waitFor();
    await expect(userRow.textContent()).resolves.toContain('Disabled');
    const refused = await signInAs('a long enough password');
    expect(refused.status).toBe(401);
  });

  it('Users: the last active admin cannot be demoted; the API\'s message is shown', async () => {
    const me = row(new RegExp(`${escape(ADMIN.email)} \\(you\\)`));
    await me.getByRole('button', { name: 'Make viewer' }).click();
    await page.getByRole('alert').filter({ hasText: /admin/i }).waitFor();
    await expect(me.textContent()).resolves.toContain('admin');
  });

  it('Security lists refused integration requests newest first, pages with "Load more" and filters by reason', async () => {
    // 55 requests with an unknown key: more than one page (50) of security events.
    for (let i = 0; i < 55; i++) {
      const r = await started.platform.request('GET', `/api/integrations/v1/orders/?probe=${i}`, { host: 'acme.localhost', key: `sk_live_${'x'.repeat(40)}` });
      expect(r.status).toBe(401);
    }
    // Security events are stored in the background: wait until the API lists them all (with the page's session).
    await waitUntil(async () => {
      // In the page (same origin, its session cookie): how many events the admin API lists.
      const listed = await page.evaluate(async () => ((await (await fetch('/api/admin/v1/security-events/?limit=200')).json()) as { data: unknown[] }).data.length);
      return listed >= 55;
    }, 'the 55 security events are stored');
    await navLink(page, 'Security').click();
    await page.getByRole('heading', { name: 'Security', level: 1 }).waitFor();
    const table = page.getByRole('grid', { name: 'Security events' });
    const rows = table.getByRole('row');
    // A header row and one page (once the list has loaded: the heading shows before the rows).
    await waitUntil(async () => (await rows.count()) - 1 >= 50, 'the first page of security events is shown');
    const firstPage = (await rows.count()) - 1;
    await expect(rows.nth(1).textContent()).resolves.toContain('AUTHENTICATION_FAILED');
    const nextPage = page.waitForResponse((r) => r.url().includes('/api/admin/v1/security-events/') && r.url().includes('cursor='));
    await page.getByRole('button', { name: 'Load more' }).click();
    expect((await nextPage).status()).toBe(200);
    const deadline = Date.now() + 10_000;
    while ((await rows.count()) - 1 <= firstPage && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect((await rows.count()) - 1).toBeGreaterThan(firstPage);
    // Never the submitted key value.
    expect(await page.content()).not.toContain('x'.repeat(40));

    // Filtered by reason: the 403 of the orders-only key reading products (an earlier test) is a PERMISSION_DENIED.
    const filtered = page.waitForResponse((r) => r.url().includes('/api/admin/v1/security-events/') && r.url().includes('reason=PERMISSION_DENIED'));
    await page.getByRole('button', { name: /Reason/ }).click();
    await page.getByRole('option', { name: 'Missing scope' }).click();
    expect((await filtered).status()).toBe(200);
    await waitUntil(async () => (await rows.count()) - 1 >= 1 && !(await table.textContent())?.includes('AUTHENTICATION_FAILED'), 'only PERMISSION_DENIED events are listed');
    await expect(table.textContent()).resolves.toContain('PERMISSION_DENIED');
  });
});
