/**
 * The inventory service's location command and query handlers against the in-memory event store
 * (which passes the adapters' contract suite) and an in-memory location read model: no database.
 */
import type { LocationDto, ServiceReply, ServiceRequest } from '@datamingle/contracts';
import type { RecordedEvent } from '@datamingle/event-store';
import { InMemoryEventStore } from '@datamingle/event-store/testing';
import { encodeCursor } from '@datamingle/kernel';
import { CreateLocationCommand, DeactivateLocationCommand, GetLocationQuery, ListLocationsQuery, UpdateLocationCommand } from './commands';
import { CreateLocationHandler, DeactivateLocationHandler, GetLocationHandler, ListLocationsHandler, UpdateLocationHandler } from './handlers';
import { Clock, LocationReadModel, type Page, type PageQuery, type StoredLocation, type Written } from './ports';
import { locationStreamName } from './streams';

/** The locations read model, in memory: one row per location stream, projected by writeAndProject. */
class InMemoryLocationReadModel extends LocationReadModel {
  private readonly rows = new Map<string, { tenantId: string; streamName: string; doc: LocationDto }>();

  async findByCode(tenantId: string, code: string): Promise<StoredLocation | null> {
    const row = [...this.rows.values()].find((r) => r.tenantId === tenantId && r.doc.code === code);
    return row ? { location: structuredClone(row.doc), streamName: row.streamName } : null;
  }

  async listActive(tenantId: string, query: PageQuery): Promise<Page<LocationDto>> {
    const key = (c: string, i: string): [number, string] => [Date.parse(c), i];
    const before = (a: [number, string], b: [number, string]): boolean => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
    const rows = [...this.rows.values()]
      .filter((r) => r.tenantId === tenantId && r.doc.is_active)
      .map((r) => r.doc)
      .filter((d) => !query.cursor || before(key(d.created_at, d.id), key(query.cursor.c, query.cursor.i)))
      .sort((a, b) => (before(key(a.created_at, a.id), key(b.created_at, b.id)) ? 1 : -1));
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((d) => structuredClone(d)),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ c: last.created_at, i: last.id }) : null,
    };
  }

  async lookup(tenantId: string, codes: readonly string[]): Promise<Map<string, { id: string; active: boolean }>> {
    const found = new Map<string, { id: string; active: boolean }>();
    for (const r of this.rows.values()) if (r.tenantId === tenantId && codes.includes(r.doc.code)) found.set(r.doc.code, { id: r.doc.id, active: r.doc.is_active });
    return found;
  }

  async writeAndProject<T>(tenantId: string, streamName: string, write: () => Promise<Written<T>>): Promise<T> {
    const { result, appended } = await write();
    if (appended) this.rows.set(streamName, { tenantId, streamName, doc: structuredClone(appended.doc) });
    return result;
  }
}

class FixedClock extends Clock {
  constructor(private current: Date) {
    super();
  }
  now(): Date {
    return this.current;
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

const TENANT = '0b4d3a52-5f8e-4d1b-9a43-6f0c1b2a3d4e';

function request(overrides: Partial<ServiceRequest> = {}): ServiceRequest {
  return { tenantId: TENANT, tenantSlug: 'acme', requestId: 'req-1', query: {}, body: {}, ...overrides };
}

function setup() {
  const store = new InMemoryEventStore();
  const readModel = new InMemoryLocationReadModel();
  const clock = new FixedClock(new Date('2026-01-02T03:04:05.678Z'));
  const create = new CreateLocationHandler(store, readModel, clock);
  const update = new UpdateLocationHandler(store, readModel, clock);
  const deactivate = new DeactivateLocationHandler(store, readModel, clock);
  const get = new GetLocationHandler(readModel);
  const list = new ListLocationsHandler(readModel);
  return {
    store,
    clock,
    create: (body: Record<string, unknown>) => create.execute(new CreateLocationCommand(request({ body }))),
    update: (identifier: string, body: Record<string, unknown>) => update.execute(new UpdateLocationCommand(request({ identifier, body }))),
    deactivate: (identifier: string) => deactivate.execute(new DeactivateLocationCommand(request({ identifier }))),
    get: (identifier: string) => get.execute(new GetLocationQuery(request({ identifier }))),
    list: (query: Record<string, string> = {}) => list.execute(new ListLocationsQuery(request({ query }))),
    events: (code: string): Promise<RecordedEvent[]> => store.readStream(locationStreamName(TENANT, code)),
  };
}

function data(reply: ServiceReply): LocationDto {
  if (!reply.ok) throw new Error(`expected a success reply, got ${JSON.stringify(reply.error)}`);
  return reply.data as LocationDto;
}

function errorCode(reply: ServiceReply): string | undefined {
  return reply.ok ? undefined : reply.error.code;
}

describe('inventory location handlers (in-memory event store)', () => {
  it('create answers 201 with the location and stores one event; a second create of the code answers 409 DUPLICATE', async () => {
    const t = setup();
    const reply = await t.create({ code: 'LOC-1', name: 'Main', zone: 'A' });

    expect(reply).toMatchObject({ ok: true, status: 201 });
    const location = data(reply);
    expect(location).toMatchObject({ id: expect.any(String), code: 'LOC-1', name: 'Main', zone: 'A', is_active: true });
    const events = await t.events('LOC-1');
    expect(events.map((e) => e.revision)).toEqual([0n]);
    expect(events[0]!.metadata).toMatchObject({ aggregate_id: location.id, aggregate_version: 1 });

    expect(errorCode(await t.create({ code: 'LOC-1', name: 'Other' }))).toBe('DUPLICATE');
    expect((await t.events('LOC-1')).length).toBe(1);
    expect(await t.get('LOC-1')).toEqual({ ok: true, status: 200, data: location });
  });

  it('a create racing an earlier one (stream exists, read model not yet projected) answers 409 DUPLICATE', async () => {
    const t = setup();
    data(await t.create({ code: 'LOC-1' }));
    const stale = new CreateLocationHandler(t.store, new InMemoryLocationReadModel(), t.clock);
    expect(errorCode(await stale.execute(new CreateLocationCommand(request({ body: { code: 'LOC-1' } }))))).toBe('DUPLICATE');
    expect((await t.events('LOC-1')).length).toBe(1);
  });

  it('update answers 200 and stores one event per change, nothing for an unchanged update', async () => {
    const t = setup();
    const created = data(await t.create({ code: 'LOC-1', name: 'Main' }));
    t.clock.advance(60_000);

    const unchanged = await t.update('LOC-1', { name: 'Main' });
    expect(unchanged).toEqual({ ok: true, status: 200, data: created });
    expect((await t.events('LOC-1')).length).toBe(1);

    const updated = data(await t.update('LOC-1', { name: 'Back', aisle: '7' }));
    expect(updated).toMatchObject({ id: created.id, name: 'Back', aisle: '7', created_at: created.created_at });
    expect(updated.updated_at > created.updated_at).toBe(true);
    expect((await t.events('LOC-1')).map((e) => e.revision)).toEqual([0n, 1n]);
    expect(await t.get('LOC-1')).toEqual({ ok: true, status: 200, data: updated });
  });

  it('get, update and deactivate answer 404 for an unknown code and store nothing', async () => {
    const t = setup();
    expect(errorCode(await t.get('NOPE'))).toBe('NOT_FOUND');
    expect(errorCode(await t.update('NOPE', { name: 'x' }))).toBe('NOT_FOUND');
    expect(errorCode(await t.deactivate('NOPE'))).toBe('NOT_FOUND');
    expect(await t.store.readAll({ maxCount: 10 })).toEqual([]);
  });

  it('deactivate answers 200 with is_active false, once; list shows active locations newest first, page by page', async () => {
    const t = setup();
    for (const code of ['A', 'B', 'C']) {
      data(await t.create({ code }));
      t.clock.advance(1_000);
    }
    const deactivated = await t.deactivate('B');
    expect(data(deactivated).is_active).toBe(false);
    expect(await t.deactivate('B')).toEqual(deactivated);
    expect((await t.events('B')).length).toBe(2);

    const first = await t.list({ limit: '1' });
    if (!first.ok) throw new Error(`unexpected ${JSON.stringify(first.error)}`);
    expect(first.status).toBe(200);
    expect((first.data as LocationDto[]).map((l) => l.code)).toEqual(['C']);
    const second = await t.list({ limit: '1', cursor: first.pagination!.next_cursor! });
    if (!second.ok) throw new Error(`unexpected ${JSON.stringify(second.error)}`);
    expect((second.data as LocationDto[]).map((l) => l.code)).toEqual(['A']);
    expect(second.pagination?.next_cursor).toBeNull();
  });
});
