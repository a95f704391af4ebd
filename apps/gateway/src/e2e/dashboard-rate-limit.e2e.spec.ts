/**
 * A key's rate limit on the dashboard's API Keys screen, in a real browser against the real
 * gateway (auth-and-keys.md §4.1 `rate_limit_per_second`, limits-and-versioning.md §4): set at
 * creation ("Rate limit (requests per second)"), shown in the table, changed and removed with
 * Set rate limit — each change applies to the key's very next request.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { BrowserRecorder } from './testing-support/browser';
import { closeDashboard, navLink, openSignedIn, type DashboardPlatform } from './testing-support/dashboard';

jest.setTimeout(60_000);

describe('the rate limit of a key in the dashboard', () => {
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
  const row = (name: string) => page.getByRole('row', { name: new RegExp(name) });
  /** The Rate limit cell of the key's row, once it shows `text`. */
  const rateLimitCell = (text: string) => row('Limited ERP').locator('[data-label="Rate limit"]', { hasText: new RegExp(`^${text}$`) });

  it('sets the rate limit at creation, refuses one out of range, changes and removes it; the gateway applies each change to the next request', async () => {
    await navLink(page, 'API Keys').click();
    await page.getByRole('button', { name: 'Create key' }).click();
    const form = page.getByRole('dialog', { name: 'Create key' });
    await form.getByRole('textbox', { name: 'Name' }).fill('Limited ERP');
    const field = form.getByRole('textbox', { name: 'Rate limit (requests per second)' });
    // Out of range: the API's message beside the field, nothing created.
    await field.fill('10001');
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    await form.getByText('Ensure this value is less than or equal to 10000.').waitFor();
    await field.fill('2');
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    const shown = page.getByRole('dialog', { name: 'Your new API key' });
    const key = await shown.getByRole('textbox').inputValue();
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });
    await rateLimitCell('2 / s').waitFor();

    // A bucket of 2: the first two pass with the headers, the third is refused.
    const answers = [await ordersWith(key), await ordersWith(key), await ordersWith(key)];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 429]);
    expect(answers[0]!.headers['x-ratelimit-limit']).toBe('2');
    expect(answers[2]!.body).toMatchObject({ error: { code: 'RATE_LIMITED', details: { limit_per_second: 2 } } });

    // Raised to 1,000: the next request passes with the new limit.
    await row('Limited ERP').getByRole('button', { name: 'Set rate limit' }).click();
    const dialog = page.getByRole('dialog', { name: 'Set rate limit' });
    const input = dialog.getByRole('textbox', { name: 'Rate limit (requests per second)' });
    await expect(input.inputValue()).resolves.toBe('2');
    await input.fill('0');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText('Ensure this value is greater than or equal to 1.').waitFor();
    await input.fill('1000');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await rateLimitCell('1,000 / s').waitFor();
    const raised = await ordersWith(key);
    expect(raised.status).toBe(200);
    expect(raised.headers['x-ratelimit-limit']).toBe('1000');

    // Removed (an empty field): no rate limit, no X-RateLimit-* headers.
    await row('Limited ERP').getByRole('button', { name: 'Set rate limit' }).click();
    await input.fill('');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await rateLimitCell('None').waitFor();
    const unlimited = await ordersWith(key);
    expect(unlimited.status).toBe(200);
    expect(unlimited.headers['x-ratelimit-limit']).toBeUndefined();
  });
});
