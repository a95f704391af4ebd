/**
 * Integration logs in a real browser against the real platform (admin.md §6, integration-logs.md
 * §5): real integration requests of a pass-through key and of a partner key are listed newest
 * first on the Integration logs screen; the filters (Status, HTTP status with the API's error at
 * the field, Clear); Load more past 50 entries; an entry's raw payload and mapped payload side by
 * side, the response, status, duration and key name; the partner page's Logs tab with that
 * partner's entries only; a viewer on a 390×844 phone, keyboard only, without sideways scrolling.
 * Every control labelled; nothing from another origin.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { registerPartnerKey } from '@datamingle/testing';
import { BrowserRecorder, focusedControl, screenshot, launchBrowser, overflowsHorizontally, unlabelledControls, VIEWPORTS, waitUntil } from './testing-support/browser';
import { ADMIN, closeDashboard, navLink, openContext, signIn, startDashboardPlatform, VIEWER, type DashboardPlatform } from './testing-support/dashboard';

jest.setTimeout(90_000);

describe('integration logs in the dashboard', () => {
  let started: DashboardPlatform;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let recorder: BrowserRecorder;
  let passKey: string;
  let partnerKey: string;
  let cookieHeader = '';
  const ids = { created: randomUUID(), missing: randomUUID(), partnerOrder: randomUUID() };

  const heading = (p: Page, name: string) => p.getByRole('heading', { name, level: 1 });
  const call = (method: string, path: string, key: string, requestId: string = randomUUID(), body?: unknown) =>
    started.platform.request(method, `/api/integrations/v1/${path}`, { host: 'acme.localhost', key, headers: { 'x-request-id': requestId }, ...(body === undefined ? {} : { body }) });
  const logged = async (): Promise<number> => {
    const res = await started.platform.request('GET', '/api/admin/v1/integration-logs/?limit=200', { host: 'acme.localhost', headers: { cookie: cookieHeader } });
    return (res.body?.data ?? []).length;
  };

  beforeAll(async () => {
    started = await startDashboardPlatform();
    const { platform } = started;
    passKey = (await platform.createKey('acme', { name: 'ERP sync' })).key;
    await platform.admin('partner', 'create', '--tenant', 'acme', '--name', 'Acumatica (production)', '--template', 'acumatica');
    partnerKey = (await platform.admin('key', 'create', '--tenant', 'acme', '--name', 'Acumatica sync', '--partner', 'Acumatica (production)')).trim();
    registerPartnerKey(partnerKey);
    // 52 lists (Load more), then a product created, an unknown one read, and a partner's order.
    for (let i = 0; i < 52; i++) await call('GET', 'products/?limit=1', passKey);
    expect((await call('POST', 'products/', passKey, ids.created, { sku: 'RUG-5X7-BLU', name: 'Blue rug' })).status).toBe(201);
    expect((await call('GET', 'products/NOPE-1/', passKey, ids.missing)).status).toBe(404);
    const order = await call('POST', 'orders/', partnerKey, ids.partnerOrder, { OrderNbr: 'SO004512', Details: [{ InventoryID: 'RUG-5X7-BLU', OrderQty: 10 }] });
    expect(order.status).toBeLessThan(500);

    browser = await launchBrowser();
    ({ context, page, recorder } = await openContext(browser));
    await page.goto(`${started.origin}/dashboard/integration-logs`);
    await signIn(page, ADMIN);
    await heading(page, 'Integration logs').waitFor();
    cookieHeader = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    await waitUntil(async () => (await logged()) === 55, 'the 55 requests are logged', 10_000);
  }, 120_000);

  afterAll(() => closeDashboard({ recorder, context, browser, started }));

  const grid = (p: Page, name = 'Integration log entries') => p.getByRole('grid', { name });
  const dataRows = (p: Page, name?: string) => grid(p, name).getByRole('row').filter({ has: p.getByRole('gridcell') });

  it('lists the entries newest first, 50 a page with Load more; every control labelled', async () => {
    await page.reload();
    await heading(page, 'Integration logs').waitFor();
    await dataRows(page).first().waitFor();
    expect(await dataRows(page).count()).toBe(50);
    const first = await dataRows(page).first().textContent();
    expect(first).toContain('Acumatica sync');
    expect(first).toContain('Acumatica (production)');
    expect(first).toContain('POST /api/integrations/v1/orders/');
    const second = await dataRows(page).nth(1).textContent();
    expect(second).toMatch(/404 Not found/);
    expect(second).toContain('ERP sync');
    expect(second).toContain('pass-through');
    expect(await unlabelledControls(page)).toEqual([]);
    await page.getByRole('button', { name: 'Load more' }).click();
    await waitUntil(async () => (await dataRows(page).count()) === 55, 'the second page is shown');
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
  });

  it('filters by status and HTTP status; an invalid value shows the API error at its field; Clear filters', async () => {
    await page.getByRole('button', { name: /Status$/ }).click();
    await page.getByRole('option', { name: 'Not found', exact: true }).click();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await waitUntil(async () => (await dataRows(page).count()) === 1, 'only the 404 is listed');
    expect(await dataRows(page).first().textContent()).toContain('/api/integrations/v1/products/NOPE-1/');

    await page.getByRole('textbox', { name: 'HTTP status' }).fill('abc');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('A valid HTTP status code (100-599) is required.').waitFor();
    await expect(page.getByRole('textbox', { name: 'HTTP status' }).getAttribute('aria-invalid')).resolves.toBe('true');

    await page.getByRole('textbox', { name: 'Request ID' }).fill(ids.created);
    await page.getByRole('textbox', { name: 'HTTP status' }).fill('201');
    await page.getByRole('button', { name: /Status$/ }).click();
    await page.getByRole('option', { name: 'All statuses' }).click();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await waitUntil(async () => (await dataRows(page).count()) === 1 && /201 Success/.test((await dataRows(page).first().textContent()) ?? ''), 'the created product only');

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await waitUntil(async () => (await dataRows(page).count()) >= 50, 'all entries again');
    await expect(page.getByRole('textbox', { name: 'Request ID' }).inputValue()).resolves.toBe('');
  });

  it("an entry shows the raw and mapped payloads side by side, the response, status, duration and key name", async () => {
    await page.getByRole('button', { name: `View entry ${ids.partnerOrder}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Log entry' });
    const raw = dialog.getByRole('heading', { name: 'Raw payload' });
    await raw.waitFor();
    const mapped = dialog.getByRole('heading', { name: 'Mapped payload' });
    const [r, m] = [await raw.boundingBox(), await mapped.boundingBox()];
    expect(r!.x).toBeLessThan(m!.x);
    expect(Math.abs(r!.y - m!.y)).toBeLessThan(5);
    const text = (await dialog.textContent()) ?? '';
    expect(text).toContain('"OrderNbr": "SO004512"');
    expect(text).toContain('"order_number": "SO004512"');
    expect(text).toContain('Acumatica sync');
    expect(text).toMatch(/Duration\d+ ms/);
    expect(text).toContain(ids.partnerOrder);
    await dialog.getByRole('heading', { name: 'Response' }).waitFor();
    await screenshot(page, 'dashboard-integration-log-entry-desktop');
    expect(await unlabelledControls(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it("the partner page's Logs tab lists that partner's entries only", async () => {
    await navLink(page, 'Partners').click();
    await heading(page, 'Partners').waitFor();
    await page.getByRole('link', { name: 'Acumatica (production)' }).click();
    await heading(page, 'Acumatica (production)').waitFor();
    await page.getByRole('tab', { name: 'Logs' }).click();
    const name = 'Logs of Acumatica (production)';
    await dataRows(page, name).first().waitFor();
    expect(await dataRows(page, name).count()).toBe(1);
    expect(await dataRows(page, name).first().textContent()).toContain('Acumatica sync');
    // No partner filter on the partner's page (it is that partner); its keys only in the key filter.
    expect(await page.getByRole('tabpanel').getByRole('button', { name: /Partner$/ }).count()).toBe(0);
    await page.getByRole('tabpanel').getByRole('button', { name: /API key$/ }).click();
    expect(await page.getByRole('option').allTextContents()).toEqual(['All keys', 'Acumatica sync']);
    await page.keyboard.press('Escape');
  });

  it('a viewer on a 390×844 phone reads them with the keyboard, without sideways scrolling', async () => {
    const phone = await openContext(browser, VIEWPORTS.phone);
    try {
      await phone.page.goto(`${started.origin}/dashboard/integration-logs`);
      await signIn(phone.page, VIEWER);
      await heading(phone.page, 'Integration logs').waitFor();
      await dataRows(phone.page).first().waitFor();
      expect(await overflowsHorizontally(phone.page)).toBe(false);
      // Tab into the grid (one tab stop), then arrows to the entry's row and along to its View button.
      const view = phone.page.getByRole('button', { name: `View entry ${ids.created}` });
      const row = dataRows(phone.page).filter({ has: view });
      const table = grid(phone.page);
      let reached = false;
      for (let i = 0; i < 80 && !reached; i++) {
        const name = await focusedControl(phone.page);
        const inGrid = await table.evaluate((g) => g.contains(g.ownerDocument.activeElement));
        const where = await row.evaluate((r) => {
          const active = r.ownerDocument.activeElement;
          if (!active || r.contains(active)) return 'in';
          return r.compareDocumentPosition(active) & 2 ? 'above' : 'below';
        });
        if (where === 'in' && name.startsWith('button:View entry')) reached = true;
        else if (!inGrid) await phone.page.keyboard.press('Tab');
        else if (where === 'above') await phone.page.keyboard.press('ArrowDown');
        else if (where === 'below') await phone.page.keyboard.press('ArrowUp');
        else await phone.page.keyboard.press('ArrowRight');
      }
      expect(reached).toBe(true);
      await phone.page.keyboard.press('Enter');
      const dialog = phone.page.getByRole('dialog', { name: 'Log entry' });
      await dialog.getByRole('heading', { name: 'Raw payload' }).waitFor({ timeout: 5_000 }).catch(async (error) => {
        await screenshot(phone.page, 'integration-logs-phone-failure');
        throw error;
      });
      expect(await focusedControl(phone.page)).toBe('button:Close');
      // Stacked on a phone: the mapped payload below the raw one.
      const [r, m] = [await dialog.getByRole('heading', { name: 'Raw payload' }).boundingBox(), await dialog.getByRole('heading', { name: 'Mapped payload' }).boundingBox()];
      expect(m!.y).toBeGreaterThan(r!.y);
      expect(await overflowsHorizontally(phone.page)).toBe(false);
      await expect(dialog.textContent()).resolves.toContain('"sku": "RUG-5X7-BLU"');
      await phone.page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'detached' });
      expect(phone.recorder.elsewhere(started.origin)).toEqual([]);
    } finally {
      await phone.context.close();
    }
  });
});
