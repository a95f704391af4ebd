import { fieldChanges } from './field-changes';

describe('fieldChanges (record history, history-feed-idempotency.md §1)', () => {
  it('lists every field of a first version as [null, value], without id and the record timestamps', () => {
    const after = { id: 'x', order_number: 'ORD-1', notes: null, created_at: 't', updated_at: 't', total: 5 };
    expect(fieldChanges(null, after)).toEqual({ order_number: [null, 'ORD-1'], total: [null, 5] });
  });

  it('lists only the changed fields, with dot paths for nested objects and items[i].field for lines', () => {
    const before = { notes: null, shipping: { city: 'Berlin', zip: '10115' }, items: [{ sku: 'A', quantity: 1 }], tags: ['a'] };
    const after = { notes: 'Priority', shipping: { city: 'Hamburg', zip: '10115' }, items: [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }], tags: ['a', 'b'] };
    expect(fieldChanges(before, after)).toEqual({
      notes: [null, 'Priority'],
      'shipping.city': ['Berlin', 'Hamburg'],
      'items[0].quantity': [1, 2],
      'items[1].sku': [null, 'B'],
      'items[1].quantity': [null, 1],
      tags: [['a'], ['a', 'b']],
    });
  });

  it('reports removed lines and fields as [before, null], and nothing for an unchanged record', () => {
    const before = { items: [{ sku: 'A' }, { sku: 'B' }], address: { line2: 'x' } };
    const after = { items: [{ sku: 'A' }], address: null };
    expect(fieldChanges(before, after)).toEqual({ 'items[1].sku': ['B', null], 'address.line2': ['x', null] });
    expect(fieldChanges({ a: { b: 1 } }, { a: { b: 1 } })).toEqual({});
  });

});
