import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { startTestPlatform, type TestPlatform } from '@datamingle/testing';

/**
 * The API reference rendered by a real headless Chromium (Debian's `chromium-headless-shell`,
 * or `chromium`), driven over the DevTools protocol on a pipe (no npm dependency): the page
 * renders the operations of the document, and every request the browser makes stays on this
 * host. Skipped, with a warning, where no Chromium is installed (`apt-get install
 * chromium-headless-shell`); api-reference.e2e.spec.ts checks the page without a browser.
 */
const CHROMIUM = ['chromium-headless-shell', 'chromium'].map((bin) => spawnSync('which', [bin], { encoding: 'utf8' }).stdout.trim()).find((p) => p !== '');

if (!CHROMIUM) console.warn('api-reference-browser.e2e: no chromium-headless-shell/chromium on PATH, browser check skipped');

interface CdpEvent {
  method: string;
  params: Record<string, unknown>;
  sessionId?: string;
}

/** A minimal DevTools-protocol client over --remote-debugging-pipe (NUL-delimited JSON on fds 3/4). */
class Browser {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  readonly events: CdpEvent[] = [];
  private buffer = '';

  private constructor(private readonly proc: ChildProcess, private readonly profile: string) {
    const out = proc.stdio[4] as Readable;
    out.setEncoding('utf8');
    out.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf('\0')) >= 0) {
        const message = JSON.parse(this.buffer.slice(0, end)) as { id?: number; result?: Record<string, unknown>; error?: { message: string } } & CdpEvent;
        this.buffer = this.buffer.slice(end + 1);
        if (message.id !== undefined) {
          const waiter = this.pending.get(message.id);
          this.pending.delete(message.id);
          if (message.error) waiter?.reject(new Error(message.error.message));
          else waiter?.resolve(message.result ?? {});
        } else this.events.push(message);
      }
    });
  }

  static launch(binary: string): Browser {
    const profile = mkdtempSync(join(tmpdir(), 'docs-browser-'));
    const proc = spawn(
      binary,
      [
        '--headless',
        '--remote-debugging-pipe',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-default-apps',
        '--disable-sync',
        `--user-data-dir=${profile}`,
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
    );
    return new Browser(proc, profile);
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const promise = new Promise<Record<string, unknown>>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    (this.proc.stdio[3] as Writable).write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    return promise;
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    await this.send('Browser.close').catch(() => undefined);
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    rmSync(this.profile, { recursive: true, force: true });
  }
}

(CHROMIUM ? describe : describe.skip)('the API reference in a headless browser', () => {
  let platform: TestPlatform;
  let browser: Browser;

  beforeAll(async () => {
    platform = await startTestPlatform();
    browser = Browser.launch(CHROMIUM!);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('renders the operations of the document and makes no request to another origin', async () => {
    const { targetId } = await browser.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = (await browser.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    await browser.send('Network.enable', {}, sessionId);
    await browser.send('Log.enable', {}, sessionId);
    await browser.send('Page.enable', {}, sessionId);
    const base = `http://localhost:${platform.gatewayPort}`;
    await browser.send('Page.navigate', { url: `${base}/docs/` }, sessionId);

    // Wait for Scalar to render the operation list from /api/integrations/v1/openapi.json.
    const expected = ['List orders', 'Create an order', 'Retrieve an order', '/api/integrations/v1/inventory/'];
    let text = '';
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const { result } = (await browser.send('Runtime.evaluate', { expression: 'document.body ? document.body.innerText : ""', returnByValue: true }, sessionId)) as {
        result: { value: string };
      };
      text = result.value;
      if (expected.every((s) => text.includes(s))) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    for (const s of expected) expect(text).toContain(s);
    expect(text).toContain('Datamingle integration API');
    // Let late requests (fonts, images, lazy chunks) happen before looking at them.
    await new Promise((r) => setTimeout(r, 1_500));

    const events = browser.events.filter((e) => e.sessionId === sessionId);
    const requested = events.filter((e) => e.method === 'Network.requestWillBeSent').map((e) => (e.params['request'] as { url: string }).url);
    expect(requested).toContain(`${base}/docs/`);
    expect(requested).toContain(`${base}/api/integrations/v1/openapi.json`);
    expect(requested.some((u) => u.startsWith(`${base}/docs/scalar.js?v=`))).toBe(true);
    expect(requested.some((u) => u.startsWith(`${base}/docs/init.js?v=`))).toBe(true);
    const elsewhere = requested.filter((u) => {
      if (u.startsWith('data:')) return false;
      const host = new URL(u).hostname;
      return !['localhost', '127.0.0.1', '[::1]'].includes(host);
    });
    expect(elsewhere).toEqual([]);
    // Nothing blocked by the CSP either (a blocked request would mean a missed external reference or a too-strict policy).
    const failed = events
      .filter((e) => e.method === 'Network.loadingFailed')
      .map((e) => ({ reason: e.params['blockedReason'] ?? e.params['errorText'], id: e.params['requestId'] }));
    expect(failed).toEqual([]);
    const violations = events
      .filter((e) => e.method === 'Log.entryAdded')
      .map((e) => (e.params['entry'] as { text: string }).text)
      .filter((t) => /Content Security Policy/i.test(t));
    expect(violations).toEqual([]);
  }, 60_000);
});
