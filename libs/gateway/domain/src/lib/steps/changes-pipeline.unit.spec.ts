/**
 * The change feed's steps through the pipeline (history-feed-idempotency.md §2), against an
 * in-memory feed: scopes, query validation, cursors, records from the owning services, and the
 * long poll's waiting (woken by a notification, never missing one, ended by a shutdown).
 */
import type { ChangeFeedPort, FeedEvent } from '../types';
import { handleIntegrationRequest } from '../pipeline';
import { KEY, fakeDeps, json, request, v1, type FakeDeps } from '../../testing-support/pipeline-fakes';
import { decodeFeedCursor, encodeFeedCursor } from './changes';

const SECRET = Buffer.from('s'.repeat(64));

class MemoryFeed implements ChangeFeedPort {
  readonly cursorSecret = SECRET;
  closing = false;
  events: Array<FeedEvent & { tenantId: string }> = [];
  reads = 0;
  private waiters: Array<() => void> = [];

  append(tenantId: string, event: Partial<FeedEvent> & { position: string }): void {
    this.events.push({ tenantId, resource: 'orders', streamName: `order-${tenantId}-x`, aggregateId: 'id-1', type: 'OrderCreated', version: 1, revision: 0, occurredAt: '2026-05-01T12:00:00.000000Z', ...event });
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  async read(tenantId: string, after: string | null, categories: readonly string[], limit: number): Promise<FeedEvent[]> {
    this.reads++;
    return this.events
      .filter((e) => e.tenantId === tenantId && (after === null || e.position > after) && categories.includes(e.streamName.split('-')[0]!))
      .slice(0, limit)
      .map(({ tenantId: _t, ...e }) => e);
  }

  waitForChanges(timeoutMs: number, _categories: readonly string[], signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(wake);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
  }
}

function setup(): { fake: FakeDeps; feed: MemoryFeed } {
  const feed = new MemoryFeed();
  const fake = fakeDeps({ changeFeed: feed });
  fake.reply = async (op, req) =>
    op.name === 'records'
      ? { ok: true, status: 200, data: (req.body['refs'] as Array<{ stream: string }>).map((r) => ({ identifier: 'ORD-1', record: { id: 'id-1', stream: r.stream } })) }
      : { ok: true, status: 200, data: {} };
  return { fake, feed };
}

const get = (fake: FakeDeps, path: string, key: string = KEY.acme) => handleIntegrationRequest(request('GET', v1(path), { key }), fake.deps);

describe('GET changes/ through the pipeline', () => {
  it('answers the tenant’s events with their current records and a cursor that continues after them', async () => {
    const { fake, feed } = setup();
    feed.append('tenant-acme', { position: 'p1' });
    feed.append('tenant-globex', { position: 'p2' });
    const res = await get(fake, 'changes/');
    expect(res.status).toBe(200);
    const body = json(res);
    expect(body.data).toEqual([
      { cursor: body.data[0].cursor, resource: 'order', id: 'id-1', identifier: 'ORD-1', type: 'OrderCreated', version: 1, occurred_at: '2026-05-01T12:00:00.000000Z', record: { id: 'id-1', stream: 'order-tenant-acme-x' } },
    ]);
    expect(decodeFeedCursor(SECRET, 'tenant-acme', body.pagination.next_cursor)).toEqual({ position: 'p1' });
    expect(body.pagination.limit).toBe(100);
    expect(fake.dispatched.map((d) => [d.op.name, d.op.resource, d.request.body])).toEqual([['records', 'orders', { refs: [{ stream: 'order-tenant-acme-x', revision: 0 }] }]]);
    // Nothing new: empty data, the same cursor.
    const again = json(await get(fake, `changes/?after=${body.pagination.next_cursor}`));
    expect(again).toEqual({ success: true, data: [], pagination: { limit: 100, next_cursor: body.pagination.next_cursor } });
  });

  it('refuses a named resource the key cannot read (403), unknown names and bad wait values (400), another tenant’s cursor (400)', async () => {
    const { fake } = setup();
    const denied = await get(fake, 'changes/?resources=products', KEY.acmeReadOnly);
    expect(denied.status).toBe(403);
    expect(json(denied).error.details).toEqual({ required_scope: 'integrations.products.read' });
    expect((await get(fake, 'changes/', KEY.acmeReadOnly)).status).toBe(200);
    const invalid = json(await get(fake, 'changes/?resources=orders,widgets&wait=31'));
    expect(invalid.error.code).toBe('VALIDATION_ERROR');
    expect(invalid.error.details).toEqual({ resources: ['"widgets" is not a valid choice.'], wait: ['Must be an integer between 0 and 30.'] });
    const foreign = encodeFeedCursor(SECRET, 'tenant-globex', 'p9');
    const res = json(await get(fake, `changes/?after=${foreign}`));
    expect(res.error).toEqual({ code: 'VALIDATION_ERROR', message: `Invalid cursor: '${foreign}'`, details: { after: ['Invalid cursor.'] } });
    expect((await handleIntegrationRequest(request('POST', v1('changes/'), { body: '{}' }), fake.deps)).status).toBe(405);
  });

  it('holds a long poll until an event arrives, without reading in between', async () => {
    const { fake, feed } = setup();
    const pending = get(fake, 'changes/?wait=5');
    await new Promise((r) => setTimeout(r, 50));
    const readsWhileWaiting = feed.reads;
    await new Promise((r) => setTimeout(r, 100));
    expect(feed.reads).toBe(readsWhileWaiting);
    feed.append('tenant-acme', { position: 'p1' });
    const body = json(await pending);
    expect(body.data.map((e: { type: string }) => e.type)).toEqual(['OrderCreated']);
  });

  it('answers an empty page at the deadline, and at once when the gateway shuts down', async () => {
    const { fake, feed } = setup();
    const started = Date.now();
    expect(json(await get(fake, 'changes/?wait=1')).data).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    feed.closing = true;
    const t = Date.now();
    expect(json(await get(fake, 'changes/?wait=30')).data).toEqual([]);
    expect(Date.now() - t).toBeLessThan(500);
  });

  it('ends a page before a change whose record is not projected yet, and waits for its first one', async () => {
    const { fake, feed } = setup();
    feed.append('tenant-acme', { position: 'p1', streamName: 'order-tenant-acme-a' });
    feed.append('tenant-acme', { position: 'p2', streamName: 'order-tenant-acme-b' });
    const held: unknown[] = [];
    fake.deps.onFeedHeldBack = (h) => held.push(h);
    let projected = new Set(['order-tenant-acme-a']);
    fake.reply = async (_op, req) => ({
      ok: true,
      status: 200,
      data: (req.body['refs'] as Array<{ stream: string }>).map((r) => (projected.has(r.stream) ? { identifier: 'X', record: { stream: r.stream } } : null)),
    });
    const first = json(await get(fake, 'changes/'));
    expect(first.data.map((e: { record: { stream: string } }) => e.record.stream)).toEqual(['order-tenant-acme-a']);
    expect(decodeFeedCursor(SECRET, 'tenant-acme', first.pagination.next_cursor)).toEqual({ position: 'p1' });
    // The next page's first change is not ready: the request waits for it rather than skip it.
    const pending = get(fake, `changes/?after=${first.pagination.next_cursor}`);
    await new Promise((r) => setTimeout(r, 60));
    projected = new Set(['order-tenant-acme-a', 'order-tenant-acme-b']);
    const second = json(await pending);
    expect(second.data.map((e: { record: { stream: string } }) => e.record.stream)).toEqual(['order-tenant-acme-b']);
    expect(held).toEqual([]);
  });

  it('answers an empty page with the same cursor when the first change stays unprojected past the grace, and says so', async () => {
    const { fake, feed } = setup();
    const heldBack: unknown[] = [];
    fake.deps.onFeedHeldBack = (h) => heldBack.push(h);
    feed.append('tenant-acme', { position: 'p1', streamName: 'order-tenant-acme-a', revision: 3 });
    fake.reply = async (_op, req) => ({ ok: true, status: 200, data: (req.body['refs'] as unknown[]).map(() => null) });
    const body = json(await get(fake, 'changes/'));
    expect(body.data).toEqual([]);
    expect(decodeFeedCursor(SECRET, 'tenant-acme', body.pagination.next_cursor)).toEqual({ position: null });
    expect(heldBack).toEqual([{ tenantId: 'tenant-acme', streamName: 'order-tenant-acme-a', revision: 3, requestId: expect.any(String) }]);
  }, 10_000);
});
