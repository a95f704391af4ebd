/**
 * The inventory service's level use cases (bulk set, list, get) against the in-memory event store
 * (which passes the adapters' contract suite), the in-memory locations read model and inventory
 * levels, and a fake catalog: no database.
 */
import { FixedClock, TENANT, replyData, replyError, serviceRequest as request } from '@datamingle/application/testing';
import type { InventoryBulkSummary, InventoryRecordDto, LocationDto } from '@datamingle/contracts';
import { InMemoryEventStore } from '@datamingle/event-store/testing';
import { CreateLocationCommand, DeactivateLocationCommand, GetInventoryQuery, ListInventoryQuery, SetInventoryLevelsCommand } from '../commands';
import { inventoryStreamName } from '../streams';
import { InMemoryInventoryLevels, InMemoryProductDirectory } from '../testing-support/in-memory-inventory';
import { InMemoryLocationReadModel } from '../testing-support/in-memory-location-read-model';
import { CreateLocationHandler } from './create-location';
import { DeactivateLocationHandler } from './deactivate-location';
import { GetInventoryHandler } from './get-inventory';
import { ListInventoryHandler } from './list-inventory';
import { SetInventoryLevelsHandler } from './set-inventory-levels';

const row = (location_code: unknown, sku_code: unknown, quantity: unknown) => ({ location_code, sku_code, quantity });

/** Locations A-101 and B-201 (active) and A-103 (inactive); products RUG-5X7-BLU and RUG-8X10-RED (active) and RUG-OLD (inactive). */
async function setup() {
  const store = new InMemoryEventStore();
  const locations = new InMemoryLocationReadModel();
  const products = new InMemoryProductDirectory();
  const levels = new InMemoryInventoryLevels(store);
  const clock = new FixedClock();
  const createLocation = new CreateLocationHandler(store, locations, clock);
  const ids = new Map<string, string>();
  for (const code of ['A-101', 'B-201', 'A-103']) ids.set(code, replyData<LocationDto>(await createLocation.execute(new CreateLocationCommand(request({ body: { code } })))).id);
  replyData(await new DeactivateLocationHandler(store, locations, clock).execute(new DeactivateLocationCommand(request({ identifier: 'A-103' }))));
  for (const [sku, status] of [['RUG-5X7-BLU', 'active'], ['RUG-8X10-RED', 'active'], ['RUG-OLD', 'inactive']] as const) products.products.set(sku, status);
  const bulkSet = new SetInventoryLevelsHandler(locations, products, levels, clock);
  const list = new ListInventoryHandler(levels);
  const get = new GetInventoryHandler(locations, products, levels);
  return {
    clock,
    set: (body: Record<string, unknown>) => bulkSet.execute(new SetInventoryLevelsCommand(request({ body }))),
    list: (query: Record<string, string> = {}) => list.execute(new ListInventoryQuery(request({ query }))),
    get: (identifier: string, query: Record<string, string> = {}) => get.execute(new GetInventoryQuery(request({ identifier, query }))),
    /** The InventoryLevelSet events stored for the location's inventory stream: [location, sku, quantity, previous, aggregate_version]. */
    events: async (code: string) =>
      (await store.readStream(inventoryStreamName(TENANT, ids.get(code)!))).map((e) => {
        const data = e.data as { location_code: string; sku_code: string; quantity: number; previous_quantity: number | null };
        return [e.type, data.location_code, data.sku_code, data.quantity, data.previous_quantity, e.metadata['aggregate_version']];
      }),
    /** How many inventory events the store holds in all. */
    inventoryEventCount: async () => (await store.readAll({ maxCount: 1_000 })).filter((e) => e.type === 'InventoryLevelSet').length,
  };
}

describe('inventory level use cases (in-memory event store)', () => {
  it('a bulk set answers 200 with the created/updated counts and stores one InventoryLevelSet per changed pair', async () => {
    const t = await setup();
    expect(await t.set({ inventory: [row('A-101', 'RUG-5X7-BLU', 120)] })).toEqual({
      ok: true,
      status: 200,
      data: { total: 1, created: 1, updated: 0, failed: 0, errors: [] },
    });

    const reply = await t.set({ inventory: [row('A-101', 'RUG-5X7-BLU', 150), row('A-101', 'RUG-8X10-RED', 75), row('B-201', 'RUG-5X7-BLU', 200)], source: 'erp_sync' });

    expect(reply).toEqual({ ok: true, status: 200, data: { total: 3, created: 2, updated: 1, failed: 0, errors: [] } });
    expect(await t.events('A-101')).toEqual([
      ['InventoryLevelSet', 'A-101', 'RUG-5X7-BLU', 120, null, 1],
      ['InventoryLevelSet', 'A-101', 'RUG-5X7-BLU', 150, 120, 2],
      ['InventoryLevelSet', 'A-101', 'RUG-8X10-RED', 75, null, 3],
    ]);
    expect(await t.events('B-201')).toEqual([['InventoryLevelSet', 'B-201', 'RUG-5X7-BLU', 200, null, 1]]);
  });

  it('rows naming an unknown or inactive location or product, or an invalid quantity, fail with their errors; the valid rows are applied', async () => {
    const t = await setup();
    const reply = await t.set({
      inventory: [row('A-101', 'RUG-5X7-BLU', 150), row('NOPE', 'RUG-5X7-BLU', 1), row('A-103', 'RUG-0000', -4), row('B-201', 'RUG-OLD', 3)],
    });

    expect(replyData<InventoryBulkSummary>(reply)).toEqual({
      total: 4,
      created: 1,
      updated: 0,
      failed: 3,
      errors: [
        { row: 1, location_id: 'NOPE', product_id: 'RUG-5X7-BLU', errors: { location_id: ['Location not found'] } },
        {
          row: 2,
          location_id: 'A-103',
          product_id: 'RUG-0000',
          errors: { location_id: ['Location is inactive'], product_id: ['Product not found'], quantity: ['Ensure this value is greater than or equal to 0.'] },
        },
        { row: 3, location_id: 'B-201', product_id: 'RUG-OLD', errors: { product_id: ['Product is inactive'] } },
      ],
    });
    expect(await t.events('A-101')).toEqual([['InventoryLevelSet', 'A-101', 'RUG-5X7-BLU', 150, null, 1]]);
    expect(await t.inventoryEventCount()).toBe(1);
  });

  it('a request whose every row fails answers 200 with failed = total and stores nothing', async () => {
    const t = await setup();
    const reply = await t.set({ inventory: [row('NOPE', 'RUG-5X7-BLU', 1), row('A-101', 'NOPE', 2)] });

    expect(replyData<InventoryBulkSummary>(reply)).toMatchObject({ total: 2, created: 0, updated: 0, failed: 2 });
    expect(await t.inventoryEventCount()).toBe(0);
  });

  it('an invalid request body answers 422 VALIDATION_ERROR and stores nothing', async () => {
    const t = await setup();
    for (const body of [{}, { inventory: 'nope' }, { inventory: [row('A-101', 'RUG-5X7-BLU', 1)], source: 'carrier pigeon' }]) {
      expect(replyError(await t.set(body)).code).toBe('VALIDATION_ERROR');
    }
    expect(await t.inventoryEventCount()).toBe(0);
  });

  it('list and get answer the stored levels; get answers 404 for an unknown location or SKU', async () => {
    const t = await setup();
    replyData(await t.set({ inventory: [row('A-101', 'RUG-5X7-BLU', 150), row('B-201', 'RUG-5X7-BLU', 200), row('B-201', 'RUG-8X10-RED', 5)] }));

    const all = await t.list();
    expect(all).toMatchObject({ ok: true, status: 200, pagination: { next_cursor: null } });
    expect(replyData<InventoryRecordDto[]>(all).map((r) => [r.location_code, r.sku_code, r.quantity])).toEqual([
      ['A-101', 'RUG-5X7-BLU', 150],
      ['B-201', 'RUG-5X7-BLU', 200],
      ['B-201', 'RUG-8X10-RED', 5],
    ]);
    expect(replyData<InventoryRecordDto[]>(await t.get('B-201')).map((r) => r.sku_code)).toEqual(['RUG-5X7-BLU', 'RUG-8X10-RED']);
    expect(replyData<InventoryRecordDto[]>(await t.get('RUG-5X7-BLU', { by: 'sku' })).map((r) => r.location_code)).toEqual(['A-101', 'B-201']);
    expect(replyError(await t.get('NOPE')).code).toBe('NOT_FOUND');
    expect(replyError(await t.get('NOPE', { by: 'sku' })).code).toBe('NOT_FOUND');
  });
});
