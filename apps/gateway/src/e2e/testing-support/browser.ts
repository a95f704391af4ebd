/**
 * A real browser for the e2e tier: playwright-core driving the system's Chromium (Debian's
 * `chromium-headless-shell`, or `chromium`; `CHROMIUM_PATH` overrides). Playwright's own browser
 * download is not used (no network at test time). A missing browser fails the suite with a clear
 * message — the browser checks are never skipped. Test support only (excluded from the gateway build).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page, type Request } from 'playwright-core';

/** Where the browser tests write their screenshots (git-ignored). */
export const ARTIFACTS_DIR = resolve(__dirname, '..', '..', '..', '..', '..', '.artifacts', 'browser');

export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium', '/usr/lib/chromium/headless_shell', '/usr/lib/chromium/chromium'];

/** The Chromium binary to drive, or an error that says how to install one. */
export function chromiumPath(): string {
  const configured = process.env['CHROMIUM_PATH'];
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured} does not exist`);
    return configured;
  }
  const onPath = ['chromium-headless-shell', 'chromium'].flatMap((bin) => (process.env['PATH'] ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, bin)));
  const found = [...CHROMIUM_CANDIDATES, ...onPath].find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `No Chromium for the browser tests (looked for ${CHROMIUM_CANDIDATES.join(', ')}). Install Debian's headless shell: ` +
        '`apt-get install -y --no-install-recommends chromium-headless-shell` (.ci/run does), or set CHROMIUM_PATH.',
    );
  }
  return found;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
}

/** Every request a browser context makes and every console message of its pages (CSP violations appear there). */
export class BrowserRecorder {
  readonly requests: string[] = [];
  readonly failed: { url: string; error: string }[] = [];
  readonly console: string[] = [];

  attach(context: BrowserContext): this {
    context.on('request', (r: Request) => this.requests.push(r.url()));
    context.on('requestfailed', (r: Request) => this.failed.push({ url: r.url(), error: r.failure()?.errorText ?? 'failed' }));
    context.on('page', (page) => this.watch(page));
    for (const page of context.pages()) this.watch(page);
    return this;
  }

  private watch(page: Page): void {
    page.on('console', (m) => this.console.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => this.console.push(`pageerror: ${e.message}`));
  }

  /** Requests to anything but `origin` (data: and blob: URLs are the page's own). */
  elsewhere(origin: string): string[] {
    return this.requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin);
  }

  /** Console lines about the Content-Security-Policy (a blocked resource or inline code). */
  cspViolations(): string[] {
    return this.console.filter((t) => /Content Security Policy/i.test(t));
  }
}

/** Writes a full-page screenshot to ARTIFACTS_DIR/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The viewports the dashboard must be usable at (admin.md §6). */
export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

// Code run in the page is passed as text: the test files are type-checked without the DOM library.

/** Whether the page scrolls sideways (content wider than the viewport). */
export async function overflowsHorizontally(page: Page): Promise<boolean> {
  return page.evaluate<boolean>('document.documentElement.scrollWidth > window.innerWidth + 1');
}

/** Whether `locator`'s element has the keyboard focus. */
export async function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element === element.ownerDocument.activeElement);
}

/** The focused element as `tag:label` (its aria-label, else its text; 40 characters), for keyboard walks. */
export async function focusedControl(page: Page): Promise<string> {
  return page.evaluate<string>(
    "(() => { const e = document.activeElement; return e ? e.tagName.toLowerCase() + ':' + (e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 40) : ''; })()",
  );
}

/** The page's visible text. */
export async function bodyText(page: Page): Promise<string> {
  return page.evaluate<string>('document.body ? document.body.innerText : ""');
}

/**
 * Polls `check` (run here, not in the page: the dashboard's CSP forbids the string evaluation of
 * Playwright's waitForFunction) until it holds, or fails with `what`.
 */
export async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Clicks the label of a checkbox or switch, as a pointer does: React Aria keeps the input itself
 * visually hidden (its label is what shows), so Playwright's check()/click() on it cannot land.
 */
export async function clickLabelOf(control: Locator): Promise<void> {
  await control.locator('xpath=ancestor::label[1]').click();
}

/** Roles of the controls a user operates (each needs an accessible name). */
const CONTROL_ROLES = new Set(['button', 'link', 'textbox', 'searchbox', 'checkbox', 'switch', 'radio', 'combobox', 'listbox', 'option', 'spinbutton', 'slider', 'menuitem', 'tab', 'grid', 'table']);

/**
 * The page's controls without an accessible name, from Chromium's own accessibility tree (what a
 * screen reader gets): `role` and the DOM node's outer HTML start, for the message.
 */
export async function unlabelledControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: { ignored: boolean; role?: { value?: string }; name?: { value?: string }; backendDOMNodeId?: number }[];
    };
    const missing: string[] = [];
    for (const node of nodes) {
      const role = node.role?.value ?? '';
      if (node.ignored || !CONTROL_ROLES.has(role) || (node.name?.value ?? '').trim() !== '') continue;
      let html = '';
      if (node.backendDOMNodeId !== undefined) {
        const { outerHTML } = (await cdp.send('DOM.getOuterHTML', { backendNodeId: node.backendDOMNodeId }).catch(() => ({ outerHTML: '' }))) as { outerHTML: string };
        html = outerHTML.slice(0, 120);
      }
      missing.push(`${role}: ${html}`);
    }
    return missing;
  } finally {
    await cdp.detach();
  }
}

/** The text on the clipboard (needs the clipboard-read permission). */
export async function clipboardText(page: Page): Promise<string> {
  return page.evaluate<string>('navigator.clipboard.readText()');
}
