/**
 * The dashboard's browser flows: the real platform with tenant `acme` and its users (created with
 * the admin CLI, `user create … --password-stdin`), signing in through the Sign in screen.
 * Test support only (excluded from the gateway build).
 */
import { startTestPlatform, type TestPlatform } from '@datamingle/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { BrowserRecorder, launchBrowser, VIEWPORTS } from './browser';

export const ADMIN = { email: 'ops@acme.example', password: 'correct horse battery staple' };
export const VIEWER = { email: 'auditor@acme.example', password: 'viewer password 123' };

export interface DashboardPlatform {
  platform: TestPlatform;
  /** `http://acme.localhost:<port>`: the tenant host (Chromium resolves *.localhost itself). */
  origin: string;
}

/** The platform with tenant `acme`, an admin and a viewer. */
export async function startDashboardPlatform(): Promise<DashboardPlatform> {
  const platform = await startTestPlatform();
  await platform.createTenant('acme');
  await platform.createUser('acme', ADMIN.email, ADMIN.password, { role: 'admin', name: 'Ops' });
  await platform.createUser('acme', VIEWER.email, VIEWER.password, { role: 'viewer', name: 'Auditor' });
  return { platform, origin: `http://acme.localhost:${platform.gatewayPort}` };
}

/** A fresh browser context (no cookies) whose requests and console are recorded. */
export async function openContext(browser: Browser, viewport: { width: number; height: number } = VIEWPORTS.desktop): Promise<{ context: BrowserContext; page: Page; recorder: BrowserRecorder }> {
  const context = await browser.newContext({ viewport });
  const recorder = new BrowserRecorder().attach(context);
  const page = await context.newPage();
  return { context, page, recorder };
}

/** Fills the Sign in screen (already shown) and submits it with the keyboard. */
export async function signIn(page: Page, user: { email: string; password: string }): Promise<void> {
  await page.getByRole('textbox', { name: 'Email' }).fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The navigation's link to a screen. */
export function navLink(page: Page, name: string) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
}

/**
 * The end of a dashboard spec: the browser loaded nothing from another origin and saw no CSP
 * violation, then the context, the browser and the platform are closed (each may be undefined
 * when `beforeAll` failed half-way).
 */
export async function closeDashboard(parts: { recorder?: BrowserRecorder; context?: BrowserContext; browser?: Browser; started?: DashboardPlatform }): Promise<void> {
  const { recorder, context, browser, started } = parts;
  expect(recorder?.elsewhere(started!.origin)).toEqual([]);
  expect(recorder?.cspViolations()).toEqual([]);
  await context?.close();
  await browser?.close();
  await started?.platform.stop();
}

/** A dashboard spec's start: the platform, a browser and a context, signed in as `user` on `path` once `ready` shows. */
export interface SignedInDashboard {
  started: DashboardPlatform;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  recorder: BrowserRecorder;
}

export async function openSignedIn(path: string, ready: (page: Page) => { waitFor(): Promise<void> }, user: { email: string; password: string } = ADMIN): Promise<SignedInDashboard> {
  const started = await startDashboardPlatform();
  const browser = await launchBrowser();
  const { context, page, recorder } = await openContext(browser);
  await page.goto(`${started.origin}${path}`);
  await signIn(page, user);
  await ready(page).waitFor();
  return { started, browser, context, page, recorder };
}
