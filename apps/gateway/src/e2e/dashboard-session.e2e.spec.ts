/**
 * The dashboard's sessions and roles in a real browser (admin.md §3, §6): a wrong password shows
 * `Invalid email or password`; a deep link without a session goes to Sign in and back; an expired
 * session returns to Sign in and, after signing in, to the screen the user was on; a viewer sees
 * no write control on any screen; the signed-in screens are usable at 1280×800 and 390×844 with
 * the keyboard. Every request the pages make stays on the tenant host.
 */
import type { Browser, Page } from 'playwright-core';
import { isFocused, launchBrowser, overflowsHorizontally, screenshot, unlabelledControls, VIEWPORTS, waitUntil } from './testing-support/browser';
import { ADMIN, navLink, openContext, signIn, startDashboardPlatform, VIEWER, type DashboardPlatform } from './testing-support/dashboard';

jest.setTimeout(60_000);

/** A second admin, whose sessions the expiry test ends (a tenant keeps one active admin, so ADMIN cannot be disabled). */
const SECOND_ADMIN = { email: 'second@acme.example', password: 'second admin password' };

const SCREENS = ['API Keys', 'Partners', 'Integration logs', 'Security', 'Users', 'Workspace'];

describe('dashboard sessions and roles', () => {
  let started: DashboardPlatform;
  let browser: Browser;

  beforeAll(async () => {
    started = await startDashboardPlatform();
    // A key, so that the API Keys table has a row with (for admins) its actions.
    await started.platform.createKey('acme', { name: 'CLI key' });
    await started.platform.createUser('acme', SECOND_ADMIN.email, SECOND_ADMIN.password, { role: 'admin' });
    browser = await launchBrowser();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await started?.platform.stop();
  });

  const heading = (page: Page, name: string) => page.getByRole('heading', { name, level: 1 });

  it('a wrong password shows "Invalid email or password" and keeps the user on Sign in', async () => {
    const { context, page, recorder } = await openContext(browser);
    await page.goto(`${started.origin}/dashboard/`);
    await signIn(page, { email: ADMIN.email, password: 'not the password at all' });
    await page.getByRole('alert').filter({ hasText: 'Invalid email or password' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/dashboard/sign-in');
    // The same message for an unknown email.
    await signIn(page, { email: 'nobody@acme.example', password: 'whatever password' });
    await page.getByRole('alert').filter({ hasText: 'Invalid email or password' }).waitFor();
    // Then the right one signs in.
    await signIn(page, ADMIN);
    await heading(page, 'API Keys').waitFor();
    await expect(page.getByRole('banner').getByText(ADMIN.email).isVisible()).resolves.toBe(true);
    expect(recorder.elsewhere(started.origin)).toEqual([]);
    expect(recorder.cspViolations()).toEqual([]);
    await context.close();
  });

  it('an expired session returns to Sign in, and signing in returns to the screen the user was on', async () => {
    const { context, page, recorder } = await openContext(browser);
    // A deep link without a session: Sign in, then that screen.
    await page.goto(`${started.origin}/dashboard/security`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await signIn(page, SECOND_ADMIN);
    await heading(page, 'Security').waitFor();
    expect(new URL(page.url()).pathname).toBe('/dashboard/security');

    // The session ends on the server: disabling the user ends all its sessions at once (admin.md §3);
    // enabled again, the user can sign in again.
    await started.platform.admin('user', 'disable', '--tenant', 'acme', SECOND_ADMIN.email);
    await started.platform.admin('user', 'enable', '--tenant', 'acme', SECOND_ADMIN.email);
    await navLink(page, 'Users').click();
    // The Users screen's first request answers 403 NOT_AUTHENTICATED: back to Sign in, remembering Users.
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/dashboard/sign-in');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/settings/users');
    await signIn(page, SECOND_ADMIN);
    await heading(page, 'Users').waitFor();
    expect(new URL(page.url()).pathname).toBe('/dashboard/settings/users');

    // Signing out ends the session: the app shows Sign in, and the old cookie is worthless.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.goto(`${started.origin}/dashboard/settings/workspace`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(recorder.elsewhere(started.origin)).toEqual([]);
    expect(recorder.cspViolations()).toEqual([]);
    await context.close();
  });

  it('a viewer sees every screen and no write control', async () => {
    const { context, page, recorder } = await openContext(browser);
    await page.goto(`${started.origin}/dashboard/settings/api-keys`);
    await signIn(page, VIEWER);
    await heading(page, 'API Keys').waitFor();
    await page.getByRole('row', { name: /CLI key/ }).waitFor();
    for (const name of ['Create key', 'Revoke', 'Activate', 'Rotate', 'Delete']) await expect(page.getByRole('button', { name, exact: true }).count()).resolves.toBe(0);

    await navLink(page, 'Users').click();
    await heading(page, 'Users').waitFor();
    await page.getByRole('row', { name: new RegExp(ADMIN.email) }).waitFor();
    for (const name of ['Create user', 'Make viewer', 'Make admin', 'Disable', 'Enable']) await expect(page.getByRole('button', { name, exact: true }).count()).resolves.toBe(0);

    await navLink(page, 'Workspace').click();
    const toggle = page.getByRole('switch', { name: 'Integration API access' });
    await toggle.waitFor();
    await expect(toggle.isChecked()).resolves.toBe(true);
    await expect(toggle.isDisabled()).resolves.toBe(true);

    await navLink(page, 'Security').click();
    await heading(page, 'Security').waitFor();
    // Sign out is not a write control of the tenant's data: it is there.
    await expect(page.getByRole('button', { name: 'Sign out' }).isVisible()).resolves.toBe(true);
    expect(recorder.elsewhere(started.origin)).toEqual([]);
    expect(recorder.cspViolations()).toEqual([]);
    await context.close();
  });

  it('the Workspace switch asks before turning the integration API off; the integration API then refuses keys', async () => {
    const { context, page } = await openContext(browser);
    const { key } = await started.platform.createKey('acme', { name: 'switch probe' });
    await page.goto(`${started.origin}/dashboard/settings/workspace`);
    await signIn(page, ADMIN);
    const toggle = page.getByRole('switch', { name: 'Integration API access' });
    // What a pointer clicks: the switch's label (its input is visually hidden).
    const label = page.locator('label', { has: toggle });
    await toggle.waitFor();
    // Keyboard: focus the switch and press Space.
    await toggle.focus();
    await page.keyboard.press('Space');
    const confirm = page.getByRole('alertdialog', { name: 'Turn off the integration API?' });
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(toggle.isChecked()).resolves.toBe(true);
    await label.click();
    await confirm.getByRole('button', { name: 'Turn off' }).click();
    await confirm.waitFor({ state: 'detached' });
    await waitUntil(async () => !(await toggle.isChecked()), 'the switch shows off');
    const refused = await started.platform.request('GET', '/api/integrations/v1/orders/', { host: 'acme.localhost', key });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: 'INTEGRATION_DISABLED' } });
    // Turning it back on needs no confirmation.
    await label.click();
    await waitUntil(() => toggle.isChecked(), 'the switch shows on');
    expect((await started.platform.request('GET', '/api/integrations/v1/orders/', { host: 'acme.localhost', key })).status).toBe(200);
    await context.close();
  });

  it('every signed-in screen is usable at 1280×800 and 390×844: navigation, the user and Sign out visible, no sideways scrolling', async () => {
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      const { context, page, recorder } = await openContext(browser, viewport);
      await page.goto(`${started.origin}/dashboard/`);
      await signIn(page, ADMIN);
      await heading(page, 'API Keys').waitFor();
      for (const screen of SCREENS) {
        await navLink(page, screen).click();
        await heading(page, screen).waitFor();
        // The new screen's heading has the focus (not the link left behind), except on the screen already shown.
        if (screen !== 'API Keys') await waitUntil(() => isFocused(heading(page, screen)), `the ${screen} heading has the focus`);
        for (const name of SCREENS) await expect(navLink(page, name).isVisible()).resolves.toBe(true);
        await expect(page.getByRole('button', { name: 'Sign out' }).isVisible()).resolves.toBe(true);
        await expect(page.getByRole('banner').getByText(ADMIN.email).isVisible()).resolves.toBe(true);
        expect({ screen, size, overflows: await overflowsHorizontally(page) }).toEqual({ screen, size, overflows: false });
        await page.waitForLoadState('networkidle');
        // Every control labelled (Chromium's accessibility tree).
        expect({ screen, unlabelled: await unlabelledControls(page) }).toEqual({ screen, unlabelled: [] });
        await screenshot(page, `dashboard-${screen.toLowerCase().replace(/\s+/g, '-')}-${size}`);
      }
      // The create form opens and closes with the keyboard (Escape).
      await navLink(page, 'API Keys').click();
      await page.getByRole('button', { name: 'Create key' }).focus();
      await page.keyboard.press('Enter');
      const form = page.getByRole('dialog', { name: 'Create key' });
      await form.waitFor();
      await expect(isFocused(form.getByRole('textbox', { name: 'Name' }))).resolves.toBe(true);
      // With the per-resource choices shown, every control of the form is labelled too.
      await form.getByText('Every resource, every action').click();
      await form.getByRole('checkbox', { name: 'Inventory: write' }).waitFor();
      expect({ form: 'Create key', unlabelled: await unlabelledControls(page) }).toEqual({ form: 'Create key', unlabelled: [] });
      await screenshot(page, `dashboard-create-key-${size}`);
      await page.keyboard.press('Escape');
      await form.waitFor({ state: 'detached' });
      expect(recorder.elsewhere(started.origin)).toEqual([]);
      expect(recorder.cspViolations()).toEqual([]);
      await context.close();
    }
  });

  it('a viewer changes their own password: a wrong current password is shown at the field; then the new one signs in', async () => {
    const { context, page, recorder } = await openContext(browser);
    await page.goto(`${started.origin}/dashboard/security`);
    await signIn(page, VIEWER);
    await heading(page, 'Security').waitFor();
    await page.getByRole('button', { name: 'Change password' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change password' });
    await dialog.getByLabel('Current password').fill('not my password at all');
    await dialog.getByLabel('New password').fill('a brand new viewer password');
    await dialog.getByRole('button', { name: 'Change password' }).click();
    // The API's 400 for current_password, shown next to that field.
    await waitUntil(async () => (await dialog.getByLabel('Current password').getAttribute('aria-invalid')) === 'true', 'the current password is marked invalid');
    await dialog.getByLabel('Current password').fill(VIEWER.password);
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await dialog.getByText('Your password was changed.').waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, VIEWER);
    await page.getByRole('alert').filter({ hasText: 'Invalid email or password' }).waitFor();
    await signIn(page, { email: VIEWER.email, password: 'a brand new viewer password' });
    // Back where they signed out.
    await heading(page, 'Security').waitFor();
    expect(recorder.elsewhere(started.origin)).toEqual([]);
    expect(recorder.cspViolations()).toEqual([]);
    await context.close();
  });

  it('a tab whose session was replaced by a sign-in in another tab still writes (it picks up the new CSRF token)', async () => {
    const { context, page: tabA, recorder } = await openContext(browser);
    const { key } = await started.platform.createKey('acme', { name: 'two tabs key' });
    await tabA.goto(`${started.origin}/dashboard/settings/api-keys`);
    await signIn(tabA, ADMIN);
    const keyRow = tabA.getByRole('row', { name: /two tabs key/ });
    await keyRow.waitFor();
    // Tab B (same browser, same cookies): sign out, sign in again — a new session and CSRF token.
    const tabB = await context.newPage();
    await tabB.goto(`${started.origin}/dashboard/security`);
    await heading(tabB, 'Security').waitFor();
    await tabB.getByRole('button', { name: 'Sign out' }).click();
    await signIn(tabB, ADMIN);
    await heading(tabB, 'Security').waitFor();
    // Tab A's write first meets 403 PERMISSION_DENIED (its token is the old session's), then succeeds.
    const refusedFirst = tabA.waitForResponse((r) => r.url().includes('/api/admin/v1/api-keys/') && r.request().method() === 'PATCH');
    await keyRow.getByRole('button', { name: 'Revoke', exact: true }).click();
    expect((await refusedFirst).status()).toBe(403);
    await keyRow.getByRole('button', { name: 'Activate', exact: true }).waitFor();
    expect((await started.platform.request('GET', '/api/integrations/v1/orders/', { host: 'acme.localhost', key })).status).toBe(401);
    await expect(tabA.getByRole('alert').count()).resolves.toBe(0);
    expect(recorder.elsewhere(started.origin)).toEqual([]);
    expect(recorder.cspViolations()).toEqual([]);
    await context.close();
  });
});
