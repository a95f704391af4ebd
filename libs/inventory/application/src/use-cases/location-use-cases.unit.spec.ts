/**
 * The inventory service's location use cases against the in-memory event store
 * (which passes the adapters' contract suite) and an in-memory location read model: no database.
 */
import { FixedClock, TENANT, replyData, serviceRequest as request } from '@datamingle/application/testing';
import type { LocationDto, ServiceReply } from '@datamingle/contracts';
import type { RecordedEvent } from '@datamingle/event-store';
import { InMemoryEventStore } from '@datamingle/event-store/testing';
import { CreateLocationCommand, DeactivateLocationCommand, GetLocationQuery, ListLocationsQuery, UpdateLocationCommand } from '../commands';
import { locationStreamName } from '../streams';
import { InMemoryLocationReadModel } from '../testing-support/in-memory-location-read-model';
import { CreateLocationHandler } from './create-location';
import { DeactivateLocationHandler } from './deactivate-location';
import { GetLocationHandler } from './get-location';
import { ListLocationsHandler } from './list-locations';
import { UpdateLocationHandler } from './update-location';

function setup() {
  const store = new InMemoryEventStore();
  const readModel = new InMemoryLocationReadModel();
  const clock = new FixedClock();
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

const data = (reply: ServiceReply): LocationDto => replyData<LocationDto>(reply);

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
