/**
 * Partners in a real browser against the real admin API (admin.md §6): New partner with a name and
 * the template picker (the seven templates, from the admin API's templates/), the partner's page with
 * its tabs API keys, Field mapping (the template's mappings, active) and Logs, a partner key created
 * on that page (shown once, linked to the partner, working on the integration API), the API Keys screen naming the partner, Delete refused while keys are
 * linked, and a viewer without write controls. Every control labelled; nothing from another origin.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { BrowserRecorder, unlabelledControls } from './testing-support/browser';
import { closeDashboard, navLink, openContext, openSignedIn, signIn, VIEWER, type DashboardPlatform } from './testing-support/dashboard';

jest.setTimeout(60_000);

const TEMPLATES = ['Acumatica', 'SAP Business One', 'NetSuite', 'Shopify', 'Logo ERP', 'Mikro ERP', 'Custom'];

describe('partners in the dashboard', () => {
  let started: DashboardPlatform;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let recorder: BrowserRecorder;

  const heading = (p: Page, name: string) => p.getByRole('heading', { name, level: 1 });
  const adminApi = (path: string) => started.platform.request('GET', `/api/admin/v1/${path}`, { host: 'acme.localhost', headers: { cookie: cookieHeader } });
  let cookieHeader = '';

  beforeAll(async () => {
    ({ started, browser, context, page, recorder } = await openSignedIn('/dashboard/partners', (p) => heading(p, 'Partners')));
    cookieHeader = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  }, 90_000);

  afterAll(() => closeDashboard({ recorder, context, browser, started }));

  it('New partner from a template opens its page; a partner key created there is shown once, linked to it and works; API Keys names the partner', async () => {
    await page.getByRole('button', { name: 'New partner' }).click();
    const form = page.getByRole('dialog', { name: 'New partner' });
    await form.getByRole('textbox', { name: 'Name' }).fill('Acumatica (production)');
    expect({ form: 'New partner', unlabelled: await unlabelledControls(page) }).toEqual({ form: 'New partner', unlabelled: [] });
    await form.getByRole('button', { name: /Template/ }).click();
    const options = page.getByRole('option');
    await options.first().waitFor();
    expect(await options.allTextContents()).toEqual(TEMPLATES);
    await page.getByRole('option', { name: 'Acumatica', exact: true }).click();
    await form.getByRole('button', { name: 'Create', exact: true }).click();

    await heading(page, 'Acumatica (production)').waitFor();
    expect(page.url()).toMatch(/\/dashboard\/partners\/[0-9a-f-]{36}$/);
    const partnerId = page.url().split('/').pop()!;
    const stored = await adminApi(`partners/${partnerId}/`);
    expect(stored.body.data).toMatchObject({ name: 'Acumatica (production)', template: 'acumatica' });
    const tabs = page.getByRole('tablist');
    expect(await tabs.getByRole('tab').allTextContents()).toEqual(['API keys', 'Field mapping', 'Logs']);
    await expect(page.getByRole('tab', { name: 'API keys' }).getAttribute('aria-selected')).resolves.toBe('true');

    // A partner key, on the partner's page.
    await page.getByRole('tabpanel').getByRole('button', { name: 'Create key' }).click();
    const create = page.getByRole('dialog', { name: 'Create key' });
    await expect(create.textContent()).resolves.toContain('Partner: Acumatica (production)');
    await create.getByRole('textbox', { name: 'Name' }).fill('Acumatica sync');
    await create.getByRole('button', { name: 'Create', exact: true }).click();
    const shown = page.getByRole('dialog', { name: 'Your new API key' });
    const key = await shown.getByRole('textbox').inputValue();
    expect(key).toMatch(/^sk_live_/);
    await expect(shown.textContent()).resolves.toContain('shown once');
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });
    await page.getByRole('tabpanel').getByRole('row', { name: /Acumatica sync/ }).waitFor();
    const keys = await adminApi(`api-keys/?partner=${partnerId}`);
    expect(keys.body.data.map((k: { name: string; partner: string }) => [k.name, k.partner])).toEqual([['Acumatica sync', partnerId]]);
    expect((await started.platform.request('GET', '/api/integrations/v1/orders/', { host: 'acme.localhost', key })).status).toBe(200);

    // Field mapping: the template's mappings are there from the partner's creation, each active
    // (custom-integrations.md §10.2; the tab itself: dashboard-field-mapping.e2e.spec.ts).
    await page.getByRole('tab', { name: 'Field mapping' }).click();
    for (const [label, resource] of [['Orders', 'orders'], ['Products', 'products'], ['Locations', 'locations'], ['Inventory', 'inventory']]) {
      const row = page.getByRole('grid', { name: `${label} mappings` }).getByRole('row', { name: new RegExp(`Acumatica – ${resource}`) });
      await row.waitFor();
      expect(await row.textContent()).toMatch(/Active/);
    }
    // Logs: the partner's integration log entries (the tab itself: dashboard-integration-logs.e2e.spec.ts).
    await page.getByRole('tab', { name: 'Logs' }).click();
    await page.getByRole('tabpanel').getByRole('grid', { name: 'Logs of Acumatica (production)' }).waitFor();

    // Delete is refused while the key is linked: the API's message is shown and the partner stays.
    await page.getByRole('button', { name: 'Delete partner' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete partner' });
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await confirm.getByRole('alert').getByText(/cannot be deleted while API keys are linked/).waitFor();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect((await adminApi(`partners/${partnerId}/`)).status).toBe(200);

    // The API Keys screen names the partner in its Partner column.
    await navLink(page, 'API Keys').click();
    await heading(page, 'API Keys').waitFor();
    await expect(page.getByRole('row', { name: /Acumatica sync/ }).textContent()).resolves.toContain('Acumatica (production)');

    // Back on Partners: the list shows it with its template.
    await navLink(page, 'Partners').click();
    await expect(page.getByRole('row', { name: /Acumatica \(production\)/ }).textContent()).resolves.toContain('Acumatica');
  });

  it('a duplicate name is refused next to the field', async () => {
    await navLink(page, 'Partners').click();
    await heading(page, 'Partners').waitFor();
    await page.getByRole('button', { name: 'New partner' }).click();
    const form = page.getByRole('dialog', { name: 'New partner' });
    await form.getByRole('textbox', { name: 'Name' }).fill('ACUMATICA (Production)');
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    await form.getByText('A partner with this name already exists.').waitFor();
    await form.getByRole('button', { name: 'Cancel' }).click();
  });

  it('a viewer sees partners and a partner’s keys but no New partner, Create key or Delete partner', async () => {
    const partner = JSON.parse(await started.platform.admin('partner', 'create', '--tenant', 'acme', '--name', 'Viewer sees me', '--template', 'shopify'));
    await started.platform.admin('key', 'create', '--tenant', 'acme', '--name', 'Shopify sync', '--partner', 'Viewer sees me');
    const viewer = await openContext(browser);
    await viewer.page.goto(`${started.origin}/dashboard/partners`);
    await signIn(viewer.page, VIEWER);
    await heading(viewer.page, 'Partners').waitFor();
    await viewer.page.getByRole('row', { name: /Viewer sees me/ }).waitFor();
    await expect(viewer.page.getByRole('button', { name: 'New partner' }).count()).resolves.toBe(0);
    await viewer.page.getByRole('link', { name: 'Viewer sees me' }).click();
    await heading(viewer.page, 'Viewer sees me').waitFor();
    expect(viewer.page.url()).toContain(`/dashboard/partners/${partner.id}`);
    await viewer.page.getByRole('tabpanel').getByRole('row', { name: /Shopify sync/ }).waitFor();
    for (const name of ['Create key', 'Delete partner', 'Revoke', 'Rotate', 'Delete']) await expect(viewer.page.getByRole('button', { name, exact: true }).count()).resolves.toBe(0);
    expect(viewer.recorder.elsewhere(started.origin)).toEqual([]);
    await viewer.context.close();
  });
});
