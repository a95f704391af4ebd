/**
 * The catalog's use cases against the in-memory event store (which passes the
 * adapters' contract suite) and an in-memory product read model: no database.
 */
import { FixedClock, OTHER_TENANT, TENANT, replyData, serviceRequest as request } from '@datamingle/application/testing';
import type { ProductDto, ServiceReply } from '@datamingle/contracts';
import type { RecordedEvent } from '@datamingle/event-store';
import { InMemoryEventStore } from '@datamingle/event-store/testing';
import { CreateProductCommand, DeactivateProductCommand, GetProductQuery, ListProductsQuery, UpdateProductCommand } from '../commands';
import { productStreamName } from '../streams';
import { InMemoryProductReadModel } from '../testing-support/in-memory-product-read-model';
import { CreateProductHandler } from './create-product';
import { DeactivateProductHandler } from './deactivate-product';
import { GetProductHandler } from './get-product';
import { ListProductsHandler } from './list-products';
import { UpdateProductHandler } from './update-product';

function setup() {
  const store = new InMemoryEventStore();
  const readModel = new InMemoryProductReadModel();
  const clock = new FixedClock();
  const create = new CreateProductHandler(store, readModel, clock);
  const update = new UpdateProductHandler(store, readModel, clock);
  const deactivate = new DeactivateProductHandler(store, readModel, clock);
  const get = new GetProductHandler(readModel);
  const list = new ListProductsHandler(readModel);
  return {
    store,
    clock,
    create: (body: Record<string, unknown>, tenantId = TENANT) => create.execute(new CreateProductCommand(request({ body, tenantId }))),
    update: (identifier: string, body: Record<string, unknown>) => update.execute(new UpdateProductCommand(request({ identifier, body }))),
    deactivate: (identifier: string) => deactivate.execute(new DeactivateProductCommand(request({ identifier }))),
    get: (identifier: string, tenantId = TENANT) => get.execute(new GetProductQuery(request({ identifier, tenantId }))),
    list: (query: Record<string, string> = {}) => list.execute(new ListProductsQuery(request({ query }))),
    /** Every event stored for the SKU's product stream. */
    events: (sku: string, tenantId = TENANT): Promise<RecordedEvent[]> => store.readStream(productStreamName(tenantId, sku)),
  };
}

const data = (reply: ServiceReply): ProductDto => replyData<ProductDto>(reply);

describe('catalog handlers (in-memory event store)', () => {
  it('create answers 201 with the product and stores one ProductCreated event', async () => {
    const t = setup();
    const reply = await t.create({ sku: 'SKU-1', name: 'Widget', quantity: 5, cost: 12.5 });

    expect(reply).toMatchObject({ ok: true, status: 201 });
    const product = data(reply);
    expect(product).toEqual({
      id: expect.any(String),
      sku: 'SKU-1',
      name: 'Widget',
      quantity: 5,
      is_active: true,
      cost: 12.5,
      custom_fields: {},
      created_at: expect.any(String),
      updated_at: product.created_at,
    });
    const events = await t.events('SKU-1');
    expect(events.map((e) => [e.type, e.revision])).toEqual([['ProductCreated', 0n]]);
    expect(events[0]!.data).toMatchObject({ id: product.id, sku: 'SKU-1', name: 'Widget', quantity: 5 });
    expect(events[0]!.metadata).toMatchObject({ aggregate_id: product.id, aggregate_version: 1 });
  });

  it('a second create of the same sku answers 409 DUPLICATE and stores nothing', async () => {
    const t = setup();
    data(await t.create({ sku: 'SKU-1', name: 'Widget' }));

    const again = await t.create({ sku: 'SKU-1', name: 'Other' });

    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.error.code).toBe('DUPLICATE');
    expect((await t.events('SKU-1')).length).toBe(1);
    expect(data(await t.get('SKU-1')).name).toBe('Widget');
  });

  it('a create racing an earlier one (stream exists, read model not yet projected) answers 409 DUPLICATE', async () => {
    const t = setup();
    data(await t.create({ sku: 'SKU-1' }));
    const stale = new CreateProductHandler(t.store, new InMemoryProductReadModel(), t.clock);

    const reply = await stale.execute(new CreateProductCommand(request({ body: { sku: 'SKU-1' } })));

    expect(reply.ok).toBe(false);
    if (!reply.ok) expect(reply.error.code).toBe('DUPLICATE');
    expect((await t.events('SKU-1')).length).toBe(1);
  });

  it('the same sku in another tenant is another product', async () => {
    const t = setup();
    data(await t.create({ sku: 'SKU-1' }));
    expect(await t.create({ sku: 'SKU-1' }, OTHER_TENANT)).toMatchObject({ ok: true, status: 201 });
    expect((await t.events('SKU-1', OTHER_TENANT)).length).toBe(1);
  });

  it('create answers a validation error for an invalid body and stores nothing', async () => {
    const t = setup();
    const reply = await t.create({ sku: 'SKU-1', quantity: -1 });
    expect(reply.ok).toBe(false);
    if (!reply.ok) expect(reply.error.code).toBe('VALIDATION_ERROR');
    expect(await t.events('SKU-1')).toEqual([]);
  });

  it('get answers 200 with the product, 404 for an unknown sku', async () => {
    const t = setup();
    const created = data(await t.create({ sku: 'SKU-1', name: 'Widget' }));

    expect(await t.get('SKU-1')).toEqual({ ok: true, status: 200, data: created });
    const missing = await t.get('NOPE');
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error.code).toBe('NOT_FOUND');
    expect((await t.get('SKU-1', OTHER_TENANT)).ok).toBe(false);
  });

  it('update answers 200 with the changed product and stores one ProductUpdated event', async () => {
    const t = setup();
    const created = data(await t.create({ sku: 'SKU-1', name: 'Widget', quantity: 5 }));
    t.clock.advance(60_000);

    const reply = await t.update('SKU-1', { name: 'Gadget', quantity: 7 });

    expect(reply).toMatchObject({ ok: true, status: 200 });
    const updated = data(reply);
    expect(updated).toMatchObject({ id: created.id, sku: 'SKU-1', name: 'Gadget', quantity: 7, created_at: created.created_at });
    expect(updated.updated_at > created.updated_at).toBe(true);
    const events = await t.events('SKU-1');
    expect(events.map((e) => [e.type, e.revision])).toEqual([
      ['ProductCreated', 0n],
      ['ProductUpdated', 1n],
    ]);
    expect(events[1]!.metadata).toMatchObject({ aggregate_version: 2 });
    expect(await t.get('SKU-1')).toEqual({ ok: true, status: 200, data: updated });
  });

  it('an update that changes nothing answers 200 and stores nothing', async () => {
    const t = setup();
    const created = data(await t.create({ sku: 'SKU-1', name: 'Widget', quantity: 5 }));
    t.clock.advance(60_000);

    const reply = await t.update('SKU-1', { name: 'Widget', quantity: 5 });

    expect(reply).toEqual({ ok: true, status: 200, data: created });
    expect((await t.events('SKU-1')).map((e) => e.type)).toEqual(['ProductCreated']);
  });

  it('update and deactivate answer 404 for an unknown sku and store nothing', async () => {
    const t = setup();
    for (const reply of [await t.update('NOPE', { name: 'x' }), await t.deactivate('NOPE')]) {
      expect(reply.ok).toBe(false);
      if (!reply.ok) expect(reply.error.code).toBe('NOT_FOUND');
    }
    expect(await t.store.readAll({ maxCount: 10 })).toEqual([]);
  });

  it('deactivate answers 200 with is_active false, stores one ProductDeactivated event, and is a no-op the second time', async () => {
    const t = setup();
    data(await t.create({ sku: 'SKU-1' }));
    t.clock.advance(1_000);

    const reply = await t.deactivate('SKU-1');
    expect(reply).toMatchObject({ ok: true, status: 200 });
    expect(data(reply).is_active).toBe(false);
    expect((await t.events('SKU-1')).map((e) => e.type)).toEqual(['ProductCreated', 'ProductDeactivated']);

    const again = await t.deactivate('SKU-1');
    expect(again).toEqual(reply);
    expect((await t.events('SKU-1')).length).toBe(2);
    // Still found by sku, but no longer listed.
    expect(data(await t.get('SKU-1')).is_active).toBe(false);
    expect(await t.list()).toMatchObject({ ok: true, status: 200, data: [] });
  });

  it('list answers 200 with active products, newest first, page by page', async () => {
    const t = setup();
    for (const sku of ['A', 'B', 'C']) {
      data(await t.create({ sku }));
      t.clock.advance(1_000);
    }
    data(await t.deactivate('B'));

    const first = await t.list({ limit: '1' });
    expect(first).toMatchObject({ ok: true, status: 200, pagination: { limit: 1 } });
    if (!first.ok) throw new Error('unreachable');
    expect((first.data as ProductDto[]).map((p) => p.sku)).toEqual(['C']);
    const cursor = first.pagination?.next_cursor;
    expect(typeof cursor).toBe('string');

    const second = await t.list({ limit: '1', cursor: cursor! });
    if (!second.ok) throw new Error(`unexpected ${JSON.stringify(second.error)}`);
    expect((second.data as ProductDto[]).map((p) => p.sku)).toEqual(['A']);
    expect(second.pagination?.next_cursor).toBeNull();

    const bad = await t.list({ cursor: 'not a cursor' });
    expect(bad.ok).toBe(false);
  });
});
