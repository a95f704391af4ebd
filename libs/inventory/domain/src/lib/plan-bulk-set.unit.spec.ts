import type { InventoryBulkSummary } from '@datamingle/contracts';
import { inventoryLevelSetEvents } from './inventory-events';
import { pairKey, planBulkSet, type BulkLookups, type BulkProductStatus } from './plan-bulk-set';
import { parseBulkRows, validateBulkRequest } from './validate-bulk-request';

const LOC_A101 = '2d4e6f80-1a3c-4e5f-9b7d-0c2e4f6a8b0c';
const LOC_B201 = '4f6a8b0c-3c5e-4a71-9d9f-2e4a6c8e0a2e';
const LOC_A103 = '3e5f7091-2b4d-4f60-8c8e-1d3f5a7b9c1d';

function lookups(existing: Record<string, number> = {}): BulkLookups {
  return {
    locations: new Map([
      ['A-101', { id: LOC_A101, active: true }],
      ['B-201', { id: LOC_B201, active: true }],
      ['A-103', { id: LOC_A103, active: false }],
    ]),
    products: new Map<string, BulkProductStatus>([
      ['RUG-5X7-BLU', 'active'],
      ['RUG-8X10-RED', 'active'],
      ['RUG-OLD', 'inactive'],
    ]),
    existing: new Map(
      Object.entries(existing).map(([k, quantity]) => {
        const [code, sku] = k.split('|');
        return [pairKey(code, sku), { quantity }];
      }),
    ),
  };
}

const plan = (rows: unknown[], existing: Record<string, number> = {}) => planBulkSet(parseBulkRows(rows), lookups(existing));
const r = (location_code: unknown, sku_code: unknown, quantity: unknown) => ({ location_code, sku_code, quantity });

describe('pairKey', () => {
  it('keeps distinct pairs distinct', () => {
    expect(pairKey('A', 'B')).toBe(pairKey('A', 'B'));
    expect(pairKey('A|B', 'C')).not.toBe(pairKey('A', 'B|C'));
    expect(pairKey('AB', 'C')).not.toBe(pairKey('A', 'BC'));
  });
});

describe('planBulkSet', () => {
  it('reproduces the spec example: all rows applied, A-101/RUG-5X7-BLU already existed', () => {
    const p = plan(
      [r('A-101', 'RUG-5X7-BLU', 150), r('A-101', 'RUG-8X10-RED', 75), r('B-201', 'RUG-5X7-BLU', 200)],
      { 'A-101|RUG-5X7-BLU': 120 },
    );
    expect(JSON.stringify(p.summary)).toBe(JSON.stringify({ total: 3, created: 2, updated: 1, failed: 0, errors: [] }));
    expect(p.changes).toEqual([
      { locationId: LOC_A101, locationCode: 'A-101', sku: 'RUG-5X7-BLU', quantity: 150, previousQuantity: 120 },
      { locationId: LOC_A101, locationCode: 'A-101', sku: 'RUG-8X10-RED', quantity: 75, previousQuantity: null },
      { locationId: LOC_B201, locationCode: 'B-201', sku: 'RUG-5X7-BLU', quantity: 200, previousQuantity: null },
    ]);
  });

  it('reproduces the spec example with rejected rows exactly', () => {
    const body = {
      inventory: [
        r('A-101', 'RUG-5X7-BLU', 150),
        r('A-101', 'RUG-8X10-RED', 75),
        r('INVALID-LOC', 'RUG-5X7-BLU', 200),
        r('A-103', 'RUG-0000', -4),
      ],
    };
    const request = validateBulkRequest(body);
    if (!request.ok) throw new Error('request rejected');
    const p = planBulkSet(parseBulkRows(request.value.rows), lookups());
    const expected: InventoryBulkSummary = {
      total: 4,
      created: 2,
      updated: 0,
      failed: 2,
      errors: [
        {
          row: 2,
          location_id: 'INVALID-LOC',
          product_id: 'RUG-5X7-BLU',
          errors: { location_id: ['Location not found'] },
        },
        {
          row: 3,
          location_id: 'A-103',
          product_id: 'RUG-0000',
          errors: {
            location_id: ['Location is inactive'],
            product_id: ['Product not found'],
            quantity: ['Ensure this value is greater than or equal to 0.'],
          },
        },
      ],
    };
    expect(JSON.stringify(p.summary)).toBe(JSON.stringify(expected));
    expect(p.changes.map((c) => [c.locationCode, c.sku, c.quantity, c.previousQuantity])).toEqual([
      ['A-101', 'RUG-5X7-BLU', 150, null],
      ['A-101', 'RUG-8X10-RED', 75, null],
    ]);
  });

  it('reports an inactive product', () => {
    expect(plan([r('A-101', 'RUG-OLD', 1)]).summary).toEqual({
      total: 1,
      created: 0,
      updated: 0,
      failed: 1,
      errors: [{ row: 0, location_id: 'A-101', product_id: 'RUG-OLD', errors: { product_id: ['Product is inactive'] } }],
    });
  });

  it('merges field errors and existence errors in the order location_id, product_id, quantity', () => {
    const p = plan([r(' NOPE ', 1.5, 'x'), r('', 'NOPE', 1), r('A-103', 'RUG-OLD', 5)]);
    expect(JSON.stringify(p.summary.errors)).toBe(
      JSON.stringify([
        {
          row: 0,
          location_id: 'NOPE',
          product_id: null,
          errors: { location_id: ['Location not found'], product_id: ['Not a valid string.'], quantity: ['A valid integer is required.'] },
        },
        {
          row: 1,
          location_id: '',
          product_id: 'NOPE',
          errors: { location_id: ['This field may not be blank.'], product_id: ['Product not found'] },
        },
        {
          row: 2,
          location_id: 'A-103',
          product_id: 'RUG-OLD',
          errors: { location_id: ['Location is inactive'], product_id: ['Product is inactive'] },
        },
      ]),
    );
    expect(p.summary).toMatchObject({ total: 3, created: 0, updated: 0, failed: 3 });
    expect(p.changes).toEqual([]);
  });

  it('reports a row that is not an object with non_field_errors only', () => {
    expect(plan([r('A-101', 'RUG-5X7-BLU', 1), 'oops', null]).summary).toEqual({
      total: 3,
      created: 1,
      updated: 0,
      failed: 2,
      errors: [
        { row: 1, location_id: null, product_id: null, errors: { non_field_errors: ['Expected a JSON object.'] } },
        { row: 2, location_id: null, product_id: null, errors: { non_field_errors: ['Expected a JSON object.'] } },
      ],
    });
  });

  it('converts integer identifiers ("4512") and nulls floats and booleans in error entries', () => {
    const p = plan([r(4512, 'RUG-5X7-BLU', 1), r(1.5, true, 1), r(false, 99, 1)]);
    expect(p.summary.errors).toEqual([
      { row: 0, location_id: '4512', product_id: 'RUG-5X7-BLU', errors: { location_id: ['Location not found'] } },
      { row: 1, location_id: null, product_id: null, errors: { location_id: ['Not a valid string.'], product_id: ['Not a valid string.'] } },
      { row: 2, location_id: null, product_id: '99', errors: { location_id: ['Not a valid string.'], product_id: ['Product not found'] } },
    ]);
  });

  it('applies a repeated new pair in order: 1 created + 1 updated, the last quantity wins', () => {
    const p = plan([r('A-101', 'RUG-5X7-BLU', 10), r('A-101', 'RUG-5X7-BLU', 20)]);
    expect(p.summary).toEqual({ total: 2, created: 1, updated: 1, failed: 0, errors: [] });
    expect(p.changes).toEqual([{ locationId: LOC_A101, locationCode: 'A-101', sku: 'RUG-5X7-BLU', quantity: 20, previousQuantity: null }]);
  });

  it('matches identifiers after trimming and integer conversion', () => {
    const p = plan([r('A-101', 'RUG-5X7-BLU', 10), r(' A-101\t', ' RUG-5X7-BLU ', 30)]);
    expect(p.summary).toMatchObject({ created: 1, updated: 1 });
    expect(p.changes).toHaveLength(1);
    expect(p.changes[0].quantity).toBe(30);
  });

  it('ignores invalid occurrences of a pair (the last valid one wins)', () => {
    const p = plan([r('A-101', 'RUG-5X7-BLU', 10), r('A-101', 'RUG-5X7-BLU', -1), r('B-201', 'RUG-5X7-BLU', 1)]);
    expect(p.summary).toMatchObject({ total: 3, created: 2, updated: 0, failed: 1 });
    expect(p.changes.map((c) => [c.locationCode, c.quantity])).toEqual([
      ['A-101', 10],
      ['B-201', 1],
    ]);
  });

  it('counts an equal quantity as updated and produces no change', () => {
    const p = plan([r('A-101', 'RUG-5X7-BLU', 150)], { 'A-101|RUG-5X7-BLU': 150 });
    expect(p.summary).toEqual({ total: 1, created: 0, updated: 1, failed: 0, errors: [] });
    expect(p.changes).toEqual([]);
  });

  it('produces no change for a pair whose final quantity equals the stored one', () => {
    const p = plan([r('A-101', 'RUG-5X7-BLU', 7), r('A-101', 'RUG-5X7-BLU', 5)], { 'A-101|RUG-5X7-BLU': 5 });
    expect(p.summary).toMatchObject({ created: 0, updated: 2 });
    expect(p.changes).toEqual([]);
  });

  it('creates a record with quantity 0 (a change from nothing)', () => {
    const p = plan([r('A-101', 'RUG-5X7-BLU', 0)]);
    expect(p.summary).toMatchObject({ created: 1, updated: 0 });
    expect(p.changes).toEqual([{ locationId: LOC_A101, locationCode: 'A-101', sku: 'RUG-5X7-BLU', quantity: 0, previousQuantity: null }]);
  });

  it('orders changes by first appearance of each pair', () => {
    const p = plan([
      r('B-201', 'RUG-5X7-BLU', 1),
      r('A-101', 'RUG-8X10-RED', 2),
      r('B-201', 'RUG-5X7-BLU', 3),
      r('A-101', 'RUG-5X7-BLU', 4),
    ]);
    expect(p.changes.map((c) => [c.locationCode, c.sku, c.quantity])).toEqual([
      ['B-201', 'RUG-5X7-BLU', 3],
      ['A-101', 'RUG-8X10-RED', 2],
      ['A-101', 'RUG-5X7-BLU', 4],
    ]);
    expect(p.summary).toMatchObject({ total: 4, created: 3, updated: 1, failed: 0 });
  });

  it('keeps total = created + updated + failed', () => {
    const rows = [r('A-101', 'RUG-5X7-BLU', 1), 'x', r('A-101', 'RUG-5X7-BLU', 2), r('NOPE', 'RUG-5X7-BLU', 3), r('B-201', 'RUG-8X10-RED', 4)];
    const { summary } = plan(rows, { 'B-201|RUG-8X10-RED': 4 });
    expect(summary).toMatchObject({ total: 5, created: 1, updated: 2, failed: 2 });
    expect(summary.total).toBe(summary.created + summary.updated + summary.failed);
  });

  it('plans 50,000 rows', () => {
    const locations = new Map<string, { id: string; active: boolean }>();
    const products = new Map<string, BulkProductStatus>();
    const existing = new Map<string, { quantity: number }>();
    for (let i = 0; i < 100; i++) locations.set(`L-${i}`, { id: `id-${i}`, active: i !== 99 });
    for (let i = 0; i < 600; i++) products.set(`S-${i}`, 'active');
    for (let i = 0; i < 1000; i++) existing.set(pairKey(`L-${i % 100}`, `S-${i % 500}`), { quantity: 1 });
    const rows: unknown[] = [];
    for (let i = 0; i < 50_000; i++) rows.push(r(`L-${i % 100}`, `S-${i % 500}`, i % 7 === 0 ? -1 : i));
    const request = validateBulkRequest({ inventory: rows });
    if (!request.ok) throw new Error('request rejected');
    const { summary, changes } = planBulkSet(parseBulkRows(request.value.rows), { locations, products, existing });
    expect(summary.total).toBe(50_000);
    expect(summary.total).toBe(summary.created + summary.updated + summary.failed);
    expect(summary.errors).toHaveLength(summary.failed);
    expect(summary.errors.every((e, i, all) => i === 0 || all[i - 1].row < e.row)).toBe(true);
    // Pairs: i % 100 and i % 500 → 500 distinct pairs, 5 of them at the inactive location L-99.
    expect(changes).toHaveLength(495);
    expect(new Set(changes.map((c) => pairKey(c.locationCode, c.sku))).size).toBe(495);
  });
});

describe('inventoryLevelSetEvents', () => {
  it('builds one event per change with source and notes', () => {
    const p = plan([r('A-101', 'RUG-5X7-BLU', 150), r('B-201', 'RUG-5X7-BLU', 200)], { 'A-101|RUG-5X7-BLU': 100 });
    const events = inventoryLevelSetEvents(p.changes, 'erp_sync', 'Daily inventory sync');
    expect(events).toEqual([
      {
        type: 'InventoryLevelSet',
        data: {
          location_id: LOC_A101,
          location_code: 'A-101',
          sku_code: 'RUG-5X7-BLU',
          quantity: 150,
          previous_quantity: 100,
          source: 'erp_sync',
          notes: 'Daily inventory sync',
        },
      },
      {
        type: 'InventoryLevelSet',
        data: {
          location_id: LOC_B201,
          location_code: 'B-201',
          sku_code: 'RUG-5X7-BLU',
          quantity: 200,
          previous_quantity: null,
          source: 'erp_sync',
          notes: 'Daily inventory sync',
        },
      },
    ]);
    expect(Object.keys(events[0].data)).toEqual(['location_id', 'location_code', 'sku_code', 'quantity', 'previous_quantity', 'source', 'notes']);
    expect(inventoryLevelSetEvents([], 'bulk_import', null)).toEqual([]);
  });
});
