/**
 * The orders service's use cases against the in-memory event store (which passes the adapters'
 * contract suite), an in-memory orders read model and a fake catalog: no database.
 */
import { FixedClock, TENANT, replyData, replyError, serviceRequest as request } from '@datamingle/application/testing';
import type { OrderDto } from '@datamingle/contracts';
import { InMemoryEventStore } from '@datamingle/event-store/testing';
import { anOrderBody } from '@datamingle/orders-domain/testing';
import { CancelOrderCommand, CreateOrderCommand, GetOrderQuery, ListOrdersQuery, UpdateOrderCommand } from '../commands';
import { orderStreamName } from '../streams';
import { InMemoryOrderReadModel, InMemoryProductCatalog } from '../testing-support/in-memory-orders';
import { CancelOrderHandler } from './cancel-order';
import { CreateOrderHandler } from './create-order';
import { GetOrderHandler } from './get-order';
import { ListOrdersHandler } from './list-orders';
import { UpdateOrderHandler } from './update-order';

/** The SKUs of the example order (anOrderBody) are active products. */
function setup() {
  const store = new InMemoryEventStore();
  const readModel = new InMemoryOrderReadModel();
  const catalog = new InMemoryProductCatalog();
  for (const sku of ['RUG-5X7-BLU', 'RUG-8X10-RED']) catalog.active.add(sku);
  const clock = new FixedClock(new Date('2026-04-16T10:00:00Z'));
  const create = new CreateOrderHandler(store, readModel, catalog, clock);
  const update = new UpdateOrderHandler(store, readModel, clock);
  const cancel = new CancelOrderHandler(store, readModel, clock);
  const get = new GetOrderHandler(readModel);
  const list = new ListOrdersHandler(readModel);
  return {
    store,
    readModel,
    catalog,
    clock,
    create: (body: Record<string, unknown>) => create.execute(new CreateOrderCommand(request({ body }))),
    update: (identifier: string, body: Record<string, unknown>) => update.execute(new UpdateOrderCommand(request({ identifier, body }))),
    cancel: (identifier: string, body: Record<string, unknown> = {}) => cancel.execute(new CancelOrderCommand(request({ identifier, body }))),
    get: (identifier: string) => get.execute(new GetOrderQuery(request({ identifier }))),
    list: (query: Record<string, string> = {}) => list.execute(new ListOrdersQuery(request({ query }))),
    /** [type, revision, aggregate_version] of every event stored for the order_number's stream. */
    events: async (orderNumber: string) =>
      (await store.readStream(orderStreamName(TENANT, orderNumber))).map((e) => [e.type, e.revision, e.metadata['aggregate_version']]),
    allEvents: () => store.readAll({ maxCount: 1_000 }),
  };
}

describe('orders use cases (in-memory event store)', () => {
  it('create answers 201 with the order and stores one OrderCreated event', async () => {
    const t = setup();
    const reply = await t.create(anOrderBody());

    expect(reply).toMatchObject({ ok: true, status: 201 });
    const order = replyData<OrderDto>(reply);
    expect(order).toMatchObject({
      id: expect.any(String),
      order_number: 'ORD-2026-001',
      external_order_id: 'ERP-5001',
      status: 'pending',
      due_date: '2026-05-01T00:00:00Z',
      created_at: '2026-04-16T10:00:00Z',
      updated_at: '2026-04-16T10:00:00Z',
    });
    expect(order.items.map((i) => [i.sku.sku, i.quantity, i.verification_status])).toEqual([
      ['RUG-5X7-BLU', 10, 'pending'],
      ['RUG-8X10-RED', 5, 'pending'],
    ]);
    expect(await t.events('ORD-2026-001')).toEqual([['OrderCreated', 0n, 1]]);
    const [stored] = await t.allEvents();
    expect(stored!.metadata).toMatchObject({ aggregate_id: order.id, aggregate_type: 'order', source: 'orders', tenant_id: TENANT, correlation_id: 'req-1' });
    expect(await t.get('ORD-2026-001')).toEqual({ ok: true, status: 200, data: order });
    expect(await t.get('ERP-5001')).toEqual({ ok: true, status: 200, data: order });
  });

  it('a duplicate order_number or external_order_id answers the 400 duplicate error and stores nothing', async () => {
    const t = setup();
    replyData(await t.create(anOrderBody()));

    const sameNumber = replyError(await t.create(anOrderBody({ external_order_id: 'ERP-9999' })));
    expect(sameNumber).toMatchObject({ code: 'VALIDATION_ERROR', details: { order_number: ['An order with this order_number already exists.'] } });
    const sameExternal = replyError(await t.create(anOrderBody({ order_number: 'ORD-2026-002' })));
    expect(sameExternal).toMatchObject({ code: 'VALIDATION_ERROR', details: { external_order_id: ['An order with this external_order_id already exists.'] } });

    expect((await t.allEvents()).length).toBe(1);
  });

  it('both values taken: one 400 naming both fields, before the SKU check and in place of the first refusal', async () => {
    const t = setup();
    replyData(await t.create(anOrderBody()));
    const both = { code: 'VALIDATION_ERROR', details: { order_number: ['An order with this order_number already exists.'], external_order_id: ['An order with this external_order_id already exists.'] } };

    expect(replyError(await t.create(anOrderBody()))).toMatchObject(both);
    t.catalog.active.delete('RUG-8X10-RED');
    expect(replyError(await t.create(anOrderBody()))).toMatchObject(both);
    expect(replyError(await t.create(anOrderBody({ customer_name: '' })))).toMatchObject({ code: 'VALIDATION_ERROR', details: { order_number: both.details.order_number } });
    expect((await t.allEvents()).length).toBe(1);
  });

  it('a create that succeeds makes no uniqueness look-up; a refused one does', async () => {
    const t = setup();
    // (without an external_order_id: the in-memory read model checks a claim with keysTaken itself)
    const lookups = jest.spyOn(t.readModel, 'keysTaken');
    replyData(await t.create(anOrderBody({ external_order_id: null })));
    expect(lookups).not.toHaveBeenCalled();
    replyError(await t.create(anOrderBody({ external_order_id: null })));
    expect(lookups).toHaveBeenCalledTimes(1);
  });

  it('a create racing an earlier one (stream exists, read model not yet projected) answers the duplicate order_number error', async () => {
    const t = setup();
    replyData(await t.create(anOrderBody()));
    const stale = new CreateOrderHandler(t.store, new InMemoryOrderReadModel(), t.catalog, t.clock);

    const reply = await stale.execute(new CreateOrderCommand(request({ body: anOrderBody({ external_order_id: null }) })));

    expect(replyError(reply)).toEqual({
      code: 'VALIDATION_ERROR',
      message: expect.any(String),
      details: { order_number: ['An order with this order_number already exists.'] },
    });
    expect((await t.allEvents()).length).toBe(1);
  });

  it('an unknown or inactive SKU answers SERVICE_ERROR naming the lines, and stores nothing', async () => {
    const t = setup();
    t.catalog.active.delete('RUG-8X10-RED');

    const error = replyError(await t.create(anOrderBody()));

    expect(error).toMatchObject({
      code: 'SERVICE_ERROR',
      message: 'Products not found or inactive: RUG-8X10-RED',
      details: { 'items[1].sku_code': ["Product 'RUG-8X10-RED' does not exist or is inactive."] },
    });
    expect(await t.allEvents()).toEqual([]);
  });

  it('an invalid body answers VALIDATION_ERROR and stores nothing', async () => {
    const t = setup();
    for (const body of [anOrderBody({ order_number: '' }), anOrderBody({ items: [] }), anOrderBody({ items: [{ sku_code: 'RUG-5X7-BLU', quantity: -1 }] })]) {
      expect(replyError(await t.create(body)).code).toBe('VALIDATION_ERROR');
    }
    expect(await t.allEvents()).toEqual([]);
  });

  it('update answers 200 with the changed order and stores one OrderUpdated event; nothing for an unchanged update', async () => {
    const t = setup();
    const created = replyData<OrderDto>(await t.create(anOrderBody()));
    t.clock.advance(60_000);

    expect(await t.update('ORD-2026-001', { customer_name: 'Acme Corporation' })).toEqual({ ok: true, status: 200, data: created });
    expect(await t.events('ORD-2026-001')).toEqual([['OrderCreated', 0n, 1]]);

    const updated = replyData<OrderDto>(await t.update('ERP-5001', { customer_name: 'Acme Corp', external_order_id: 'ERP-5002' }));
    expect(updated).toMatchObject({ id: created.id, customer_name: 'Acme Corp', external_order_id: 'ERP-5002', updated_at: '2026-04-16T10:01:00Z' });
    expect(await t.events('ORD-2026-001')).toEqual([
      ['OrderCreated', 0n, 1],
      ['OrderUpdated', 1n, 2],
    ]);
    expect(await t.get('ERP-5002')).toEqual({ ok: true, status: 200, data: updated });
  });

  it('update to an external_order_id another order holds answers the duplicate error and stores nothing', async () => {
    const t = setup();
    replyData(await t.create(anOrderBody()));
    replyData(await t.create(anOrderBody({ order_number: 'ORD-2026-002', external_order_id: 'ERP-5002' })));

    const error = replyError(await t.update('ORD-2026-002', { external_order_id: 'ERP-5001' }));

    expect(error).toMatchObject({ code: 'VALIDATION_ERROR', details: { external_order_id: ['An order with this external_order_id already exists.'] } });
    expect(await t.events('ORD-2026-002')).toEqual([['OrderCreated', 0n, 1]]);
  });

  it('cancel answers 200 with the cancelled order, once; an update of a cancelled order answers SERVICE_ERROR', async () => {
    const t = setup();
    replyData(await t.create(anOrderBody()));
    t.clock.advance(1_000);

    const cancelled = await t.cancel('ORD-2026-001', { reason: 'Customer request' });
    expect(replyData<OrderDto>(cancelled)).toMatchObject({ status: 'cancelled', cancellation_reason: 'Customer request' });
    expect(await t.cancel('ORD-2026-001', { reason: 'Customer request' })).toEqual(cancelled);
    expect(await t.events('ORD-2026-001')).toEqual([
      ['OrderCreated', 0n, 1],
      ['OrderCancelled', 1n, 2],
    ]);

    expect(replyError(await t.update('ORD-2026-001', { customer_name: 'Late' })).code).toBe('SERVICE_ERROR');
    expect((await t.events('ORD-2026-001')).length).toBe(2);
  });

  it('get, update and cancel answer 404 for an unknown order and store nothing', async () => {
    const t = setup();
    expect(replyError(await t.get('NOPE')).code).toBe('NOT_FOUND');
    expect(replyError(await t.update('NOPE', { customer_name: 'x' })).code).toBe('NOT_FOUND');
    expect(replyError(await t.cancel('NOPE')).code).toBe('NOT_FOUND');
    expect(await t.allEvents()).toEqual([]);
  });

  it('list answers 200 with the orders newest first, filtered by status, page by page', async () => {
    const t = setup();
    for (const n of ['1', '2', '3']) {
      replyData(await t.create(anOrderBody({ order_number: `ORD-${n}`, external_order_id: `ERP-${n}` })));
      t.clock.advance(1_000);
    }
    replyData(await t.cancel('ORD-2'));

    const first = await t.list({ limit: '2' });
    expect(first).toMatchObject({ ok: true, status: 200, pagination: { limit: 2, next_cursor: expect.any(String) } });
    expect(replyData<OrderDto[]>(first).map((o) => o.order_number)).toEqual(['ORD-3', 'ORD-2']);
    const second = await t.list({ limit: '2', cursor: first.ok ? first.pagination!.next_cursor! : '' });
    expect(replyData<OrderDto[]>(second).map((o) => o.order_number)).toEqual(['ORD-1']);

    expect(replyData<OrderDto[]>(await t.list({ status: 'cancelled' })).map((o) => o.order_number)).toEqual(['ORD-2']);
    expect(replyError(await t.list({ status: 'lost' })).code).toBe('VALIDATION_ERROR');
  });
});
