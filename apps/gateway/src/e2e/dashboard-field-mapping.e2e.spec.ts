/**
 * A partner's Field mapping tab in a real browser against the real admin API (admin.md §6,
 * custom-integrations.md §2, §10): a partner created from the Acumatica template shows the
 * template's four active mappings; Preview turns the Acumatica order of §11.4 into the internal
 * payload and shows the mapping error of §11.5 (invalid JSON is reported without a request); an
 * invalid target is refused next to its row; a valid edit is saved; activating another mapping
 * deactivates the first; Delete asks first; a viewer sees no write controls but may preview.
 * Then the acceptance flow: template partner, preview, a partner key from the partner's
 * page, the order sent in Acumatica names over HTTP and read back in internal names with a
 * pass-through key.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { registerPartnerKey } from '@datamingle/testing';
import { BrowserRecorder, focusedControl, overflowsHorizontally, unlabelledControls, VIEWPORTS } from './testing-support/browser';
import { ACUMATICA_DETAILS_AS_OBJECT, ACUMATICA_ORDER, ACUMATICA_ORDER_INTERNAL } from '@datamingle/mapping/testing';
import { ADMIN, closeDashboard, navLink, openContext, openSignedIn, signIn, VIEWER, type DashboardPlatform } from './testing-support/dashboard';

jest.setTimeout(90_000);

/** custom-integrations.md §11.4 (the caller body and its internal body) and §11.5. */
const INTERNAL_ORDER = ACUMATICA_ORDER_INTERNAL;
const DETAILS_AS_OBJECT = ACUMATICA_DETAILS_AS_OBJECT;

const RESOURCES = [
  ['Orders', 'orders'],
  ['Products', 'products'],
  ['Locations', 'locations'],
  ['Inventory', 'inventory'],
] as const;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('field mapping in the dashboard', () => {
  let started: DashboardPlatform;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let recorder: BrowserRecorder;
  let cookieHeader = '';

  const heading = (p: Page, name: string) => p.getByRole('heading', { name, level: 1 });
  const adminApi = (path: string) => started.platform.request('GET', `/api/admin/v1/${path}`, { host: 'acme.localhost', headers: { cookie: cookieHeader } });
  const integration = (method: string, path: string, key: string, body?: unknown) =>
    started.platform.request(method, `/api/integrations/v1/${path}`, { host: 'acme.localhost', key, ...(body === undefined ? {} : { body }) });
  /** A resource's table of mappings. */
  const mappingsTable = (p: Page, label: string) => p.getByRole('grid', { name: `${label} mappings` });
  /** A mapping's row by its name (not one whose name continues, e.g. "… (v2)"). On a phone the cells' labels are part of the row's name. */
  const mappingRow = (p: Page, label: string, name: string) => mappingsTable(p, label).getByRole('row', { name: new RegExp(`${escape(name)}(?! \\(v2\\))`) });
  const editor = (p: Page) => p.locator('section.mapping-editor');

  /** New partner from a template, through the form; resolves on the partner's page with its id. */
  async function createPartner(name: string, template: string): Promise<string> {
    await navLink(page, 'Partners').click();
    await heading(page, 'Partners').waitFor();
    await page.getByRole('button', { name: 'New partner' }).click();
    const form = page.getByRole('dialog', { name: 'New partner' });
    await form.getByRole('textbox', { name: 'Name' }).fill(name);
    await form.getByRole('button', { name: /Template/ }).click();
    await page.getByRole('option', { name: template, exact: true }).click();
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    await heading(page, name).waitFor();
    return page.url().split('/').pop()!;
  }

  /** Pastes `payload` (text) into Preview and presses Preview. */
  async function preview(p: Page, payload: string): Promise<void> {
    const panel = p.getByRole('region', { name: 'Preview' });
    await panel.getByRole('textbox', { name: 'Partner payload (JSON)' }).fill(payload);
    await panel.getByRole('button', { name: 'Preview', exact: true }).click();
  }

  /** The internal payload shown by Preview, parsed. */
  async function internalPayload(p: Page): Promise<unknown> {
    const shown = p.getByRole('region', { name: 'Preview' }).getByRole('region', { name: 'Internal payload' });
    await shown.waitFor();
    return JSON.parse((await shown.textContent()) ?? '');
  }

  const fieldMapRow = (n: number): Locator => editor(page).getByRole('group', { name: `Field map row ${n}`, exact: true });

  beforeAll(async () => {
    ({ started, browser, context, page, recorder } = await openSignedIn('/dashboard/partners', (p) => heading(p, 'Partners')));
    cookieHeader = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  }, 120_000);

  afterAll(() => closeDashboard({ recorder, context, browser, started }));

  it('a template partner’s mappings, Preview (internal payload, mapping errors, invalid JSON), save-time errors at the row, a saved edit, activation, Delete', async () => {
    const partnerId = await createPartner('Acumatica (production)', 'Acumatica');
    await page.getByRole('tab', { name: 'Field mapping' }).click();

    // The template's four mappings, each active (custom-integrations.md §10.2).
    for (const [label, resource] of RESOURCES) {
      const row = mappingRow(page, label, `Acumatica – ${resource}`);
      await row.waitFor();
      expect(await row.textContent()).toMatch(/Active/);
    }

    await mappingRow(page, 'Orders', 'Acumatica – orders').getByRole('button', { name: 'Edit', exact: true }).click();
    await page.getByRole('heading', { name: 'Edit mapping: Acumatica – orders' }).waitFor();
    await expect(fieldMapRow(1).getByRole('textbox', { name: 'Partner path 1', exact: true }).inputValue()).resolves.toBe('OrderNbr');
    await expect(fieldMapRow(1).getByRole('textbox', { name: 'Internal path 1', exact: true }).inputValue()).resolves.toBe('order_number');
    await expect(editor(page).getByRole('textbox', { name: 'Nested source' }).inputValue()).resolves.toBe('Details');
    await expect(editor(page).getByRole('textbox', { name: 'Static value path 1', exact: true }).inputValue()).resolves.toBe('metadata.source');
    await expect(editor(page).getByRole('textbox', { name: 'Value (JSON) 1', exact: true }).inputValue()).resolves.toBe('"acumatica"');
    expect({ screen: 'Field mapping editor', unlabelled: await unlabelledControls(page) }).toEqual({ screen: 'Field mapping editor', unlabelled: [] });

    // Preview: the Acumatica order of §11.4 → the internal payload of §11.4.
    await preview(page, JSON.stringify(ACUMATICA_ORDER, null, 2));
    expect(await internalPayload(page)).toEqual(INTERNAL_ORDER);
    const shownText = await page.getByRole('region', { name: 'Internal payload' }).textContent();
    expect(shownText).toContain('"order_number": "SO004512"');
    expect(shownText).toContain('"sku_code": "RUG-5X7-BLU"');

    // §11.5: Details as an object → the mapping error.
    await preview(page, JSON.stringify(DETAILS_AS_OBJECT));
    const errors = page.getByRole('region', { name: 'Preview' }).getByRole('list', { name: 'Mapping errors' });
    await errors.waitFor();
    expect(await errors.getByRole('listitem').allTextContents()).toEqual(['Details: Expected an array, got object.']);

    // Invalid JSON is reported here; nothing is sent.
    const previewsBefore = recorder.requests.filter((u) => u.includes('/mappings/preview/')).length;
    await preview(page, '{"OrderNbr": ');
    await page.getByRole('region', { name: 'Preview' }).getByRole('alert').getByText(/^The payload is not valid JSON: /).waitFor();
    expect(recorder.requests.filter((u) => u.includes('/mappings/preview/')).length).toBe(previewsBefore);

    // An invalid target: refused at save time, the error next to its row (BillToContact.BusinessName → customer_name is row 3).
    await expect(fieldMapRow(3).getByRole('textbox', { name: 'Partner path 3', exact: true }).inputValue()).resolves.toBe('BillToContact.BusinessName');
    await fieldMapRow(3).getByRole('textbox', { name: 'Internal path 3', exact: true }).fill('customer_nme');
    await editor(page).getByRole('button', { name: 'Save', exact: true }).click();
    await fieldMapRow(3).getByText('"customer_nme" is not a field of orders.').waitFor();
    await editor(page).getByRole('alert').getByText(/not saved/).waitFor();
    await expect(fieldMapRow(3).getByRole('textbox', { name: 'Internal path 3', exact: true }).getAttribute('aria-invalid')).resolves.toBe('true');
    expect(await fieldMapRow(2).textContent()).not.toContain('is not a field');
    let stored = await adminApi(`partners/${partnerId}/mappings/?resource=orders`);
    expect(stored.body.data[0].field_map['BillToContact.BusinessName']).toBe('customer_name');
    // Preview of the invalid mapping: the API's refusal placed at the same row.
    await preview(page, JSON.stringify(ACUMATICA_ORDER));
    await page.getByRole('region', { name: 'Preview' }).getByRole('alert').getByText('The mapping has problems, shown next to its fields: fix them to preview it.').waitFor();
    await fieldMapRow(3).getByText('"customer_nme" is not a field of orders.').waitFor();
    await editor(page).getByRole('alert').getByText(/^The mapping cannot be previewed: a problem is shown next to the fields\.$/).waitFor();

    // A valid edit: the target fixed and one more rule; saved.
    await fieldMapRow(3).getByRole('textbox', { name: 'Internal path 3', exact: true }).fill('customer_name');
    await editor(page).getByRole('button', { name: 'Add field', exact: true }).click();
    await fieldMapRow(13).getByRole('textbox', { name: 'Partner path 13', exact: true }).fill('SalesPerson');
    await fieldMapRow(13).getByRole('textbox', { name: 'Internal path 13', exact: true }).fill('metadata.sales_person');
    await editor(page).getByRole('button', { name: 'Save', exact: true }).click();
    await editor(page).getByRole('status').getByText(/^Saved\./).waitFor();
    expect(await fieldMapRow(3).textContent()).not.toContain('is not a field');
    stored = await adminApi(`partners/${partnerId}/mappings/?resource=orders`);
    const orders = stored.body.data.find((m: { name: string }) => m.name === 'Acumatica – orders');
    expect(orders).toMatchObject({ is_active: true, field_map: { 'BillToContact.BusinessName': 'customer_name', SalesPerson: 'metadata.sales_person' } });

    // Another orders mapping, saved inactive, then activated: the first one is no longer active.
    await page.getByRole('button', { name: 'New orders mapping' }).click();
    await page.getByRole('heading', { name: 'New orders mapping' }).waitFor();
    await editor(page).getByRole('textbox', { name: 'Name', exact: true }).fill('Acumatica – orders (v2)');
    await fieldMapRow(1).getByRole('textbox', { name: 'Partner path 1', exact: true }).fill('OrderNbr');
    await fieldMapRow(1).getByRole('textbox', { name: 'Internal path 1', exact: true }).fill('order_number');
    await editor(page).getByRole('button', { name: 'Save', exact: true }).click();
    await editor(page).getByRole('status').getByText(/^Saved\./).waitFor();
    const v2 = mappingsTable(page, 'Orders').getByRole('row', { name: /Acumatica – orders \(v2\)/ });
    await v2.getByText('Inactive').waitFor();
    await v2.getByRole('button', { name: 'Activate', exact: true }).click();
    await v2.getByRole('button', { name: 'Deactivate', exact: true }).waitFor();
    await mappingRow(page, 'Orders', 'Acumatica – orders').getByText('Inactive').waitFor();
    stored = await adminApi(`partners/${partnerId}/mappings/?resource=orders`);
    expect(Object.fromEntries(stored.body.data.map((m: { name: string; is_active: boolean }) => [m.name, m.is_active]))).toEqual({
      'Acumatica – orders': false,
      'Acumatica – orders (v2)': true,
    });

    // The first one back, and the second deleted after a confirmation.
    await mappingRow(page, 'Orders', 'Acumatica – orders').getByRole('button', { name: 'Activate', exact: true }).click();
    await v2.getByRole('button', { name: 'Activate', exact: true }).waitFor();
    await v2.getByRole('button', { name: 'Delete', exact: true }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete mapping' });
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await confirm.waitFor({ state: 'detached' });
    await v2.waitFor({ state: 'detached' });
    stored = await adminApi(`partners/${partnerId}/mappings/?resource=orders`);
    expect(stored.body.data.map((m: { name: string; is_active: boolean }) => [m.name, m.is_active])).toEqual([['Acumatica – orders', true]]);
  });

  it('usable at 390×844: the editor and Preview without sideways scrolling', async () => {
    const partners = await adminApi('partners/');
    const partner = partners.body.data.find((p: { name: string }) => p.name === 'Acumatica (production)');
    const phone = await openContext(browser, VIEWPORTS.phone);
    await phone.page.goto(`${started.origin}/dashboard/partners/${partner.id}`);
    await signIn(phone.page, ADMIN);
    await heading(phone.page, 'Acumatica (production)').waitFor();
    await phone.page.getByRole('tab', { name: 'Field mapping' }).click();
    await mappingRow(phone.page, 'Orders', 'Acumatica – orders').getByRole('button', { name: 'Edit', exact: true }).click();
    await phone.page.getByRole('heading', { name: 'Edit mapping: Acumatica – orders' }).waitFor();
    await preview(phone.page, JSON.stringify(ACUMATICA_ORDER));
    expect(await internalPayload(phone.page)).toEqual(INTERNAL_ORDER);
    expect(await overflowsHorizontally(phone.page)).toBe(false);
    await phone.context.close();
  });

  it('a viewer sees the mappings without Save, Activate, Deactivate, Delete or New mapping, and may preview (keyboard only)', async () => {
    const partner = JSON.parse(await started.platform.admin('partner', 'create', '--tenant', 'acme', '--name', 'Viewer’s Acumatica', '--template', 'acumatica'));
    const viewer = await openContext(browser);
    await viewer.page.goto(`${started.origin}/dashboard/partners/${partner.id}`);
    await signIn(viewer.page, VIEWER);
    await heading(viewer.page, 'Viewer’s Acumatica').waitFor();
    await viewer.page.getByRole('tab', { name: 'Field mapping' }).click();
    const row = mappingRow(viewer.page, 'Orders', 'Acumatica – orders');
    await row.waitFor();
    expect(await row.textContent()).toMatch(/Active/);
    await row.getByRole('button', { name: 'View', exact: true }).click();
    await viewer.page.getByRole('heading', { name: 'Mapping: Acumatica – orders' }).waitFor();
    for (const name of ['Save', 'Activate', 'Deactivate', 'Delete', 'New orders mapping', 'Add field', 'Add static value', 'Edit']) {
      await expect(viewer.page.getByRole('button', { name, exact: true }).count()).resolves.toBe(0);
    }
    await expect(editor(viewer.page).getByRole('textbox', { name: 'Internal path 1', exact: true }).getAttribute('readonly')).resolves.not.toBeNull();

    // Preview is allowed (it stores and sends nothing): the payload typed, Tab to Preview, Enter.
    const payload = viewer.page.getByRole('region', { name: 'Preview' }).getByRole('textbox', { name: 'Partner payload (JSON)' });
    await payload.fill(JSON.stringify(ACUMATICA_ORDER));
    await payload.focus();
    await viewer.page.keyboard.press('Tab');
    expect(await focusedControl(viewer.page)).toBe('button:Preview');
    await viewer.page.keyboard.press('Enter');
    expect(await internalPayload(viewer.page)).toEqual(INTERNAL_ORDER);
    expect(viewer.recorder.elsewhere(started.origin)).toEqual([]);
    await viewer.context.close();
  });

  it('acceptance: a partner from the Acumatica template, an order previewed, a partner key from its page, the order sent over HTTP in Acumatica names and read back in internal names with a pass-through key', async () => {
    // Products the order needs, and the pass-through key that reads the order back.
    const { key: passThrough } = await started.platform.createKey('acme', { name: 'Pass-through' });
    for (const sku of ['RUG-5X7-BLU', 'RUG-8X10-RED']) expect((await integration('POST', 'products/', passThrough, { sku, name: `Rug ${sku}` })).status).toBe(201);

    await createPartner('Acumatica (acceptance)', 'Acumatica');
    await page.getByRole('tab', { name: 'Field mapping' }).click();
    await mappingRow(page, 'Orders', 'Acumatica – orders').getByRole('button', { name: 'Edit', exact: true }).click();
    await page.getByRole('heading', { name: 'Edit mapping: Acumatica – orders' }).waitFor();
    await preview(page, JSON.stringify(ACUMATICA_ORDER, null, 2));
    expect(await internalPayload(page)).toEqual(INTERNAL_ORDER);

    // A partner key, on the partner's page (shown once).
    await page.getByRole('tab', { name: 'API keys' }).click();
    await page.getByRole('tabpanel').getByRole('button', { name: 'Create key' }).click();
    const create = page.getByRole('dialog', { name: 'Create key' });
    await create.getByRole('textbox', { name: 'Name' }).fill('Acumatica order sync');
    await create.getByRole('button', { name: 'Create', exact: true }).click();
    const shown = page.getByRole('dialog', { name: 'Your new API key' });
    const partnerKey = await shown.getByRole('textbox').inputValue();
    expect(partnerKey).toMatch(/^sk_live_/);
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });
    registerPartnerKey(partnerKey);

    // The order in Acumatica's names: stored, answered in Acumatica's names (§11.4).
    const sent = await integration('POST', 'orders/', partnerKey, ACUMATICA_ORDER);
    expect({ status: sent.status, body: sent.status === 201 ? undefined : sent.body }).toEqual({ status: 201, body: undefined });
    expect(sent.body.data).toMatchObject({
      OrderNbr: 'SO004512',
      ExternalRef: 'WEB-88121',
      BillToContact: { BusinessName: 'Acme Corporation', Email: 'orders@acme.example', Phone1: '+1-555-0100' },
      metadata: { source: 'acumatica' },
      status: 'pending',
      Details: [
        { sku: { sku: 'RUG-5X7-BLU' }, OrderQty: 10 },
        { sku: { sku: 'RUG-8X10-RED' }, OrderQty: 5, LineDescription: 'Fragile' },
      ],
    });
    expect(sent.body.data.Details[0].OrderQty).toBe(10);
    expect(sent.body.data).not.toHaveProperty('order_number');

    // Read back with the pass-through key: the platform's own names (orders.md).
    const read = await integration('GET', 'orders/SO004512/', passThrough);
    expect(read.status).toBe(200);
    expect(read.body.data).toMatchObject({
      order_number: 'SO004512',
      external_order_id: 'WEB-88121',
      customer_name: 'Acme Corporation',
      notes: 'Deliver to loading dock B',
      customer_info: { customer_id: 'C000123', email: 'orders@acme.example', phone: '+1-555-0100', ship_to_address: ACUMATICA_ORDER.ShipToAddress },
      metadata: { order_type: 'SO', customer_order: 'PO-7781', source: 'acumatica' },
      status: 'pending',
      items: [
        { sku: { sku: 'RUG-5X7-BLU' }, quantity: 10, notes: null },
        { sku: { sku: 'RUG-8X10-RED' }, quantity: 5, notes: 'Fragile' },
      ],
    });
    expect(read.body.data).not.toHaveProperty('OrderNbr');
    expect(read.body.data.items[0]).not.toHaveProperty('UOM');
  });
});
