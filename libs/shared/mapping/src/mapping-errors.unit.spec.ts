/** Every MAPPING_ERROR cause of custom-integrations.md §8, the §7 translation rules, and what is not an error. */
import { JsonNumberLiteral, parseJsonText, unwrap, unwrapErr } from '@datamingle/kernel';
import { compileMapping, INVALID_MAPPING_MESSAGE, replaceFieldName, templateMapping } from './index';

const acumatica = compileMapping(templateMapping('acumatica', 'orders'));

describe('MAPPING_ERROR causes (§8)', () => {
  it('a nested source that is not an array: string, number, boolean', () => {
    for (const [value, type] of [
      ['x', 'string'],
      [3, 'number'],
      [true, 'boolean'],
    ] as const) {
      expect(unwrapErr(acumatica.forward({ Details: value }, 'POST')).details).toEqual({ Details: [`Expected an array, got ${type}.`] });
    }
  });

  it('a nested source that is absent or null produces nothing', () => {
    expect(unwrap(acumatica.forward({ Details: null, OrderNbr: 'A' }, 'PUT'))).toEqual({ order_number: 'A' });
    expect(unwrap(acumatica.forward({}, 'PUT'))).toEqual({});
  });

  it('elements of a nested source that are not objects, each at its index, all listed', () => {
    expect(unwrapErr(acumatica.forward({ Details: [{ InventoryID: 'A', OrderQty: 1 }, 'x', null, [1], 2] }, 'POST'))).toEqual({
      code: 'MAPPING_ERROR',
      message: 'Field mapping failed: Details[1]: Expected an object, got string. (and 3 more)',
      details: {
        'Details[1]': ['Expected an object, got string.'],
        'Details[2]': ['Expected an object, got null.'],
        'Details[3]': ['Expected an object, got array.'],
        'Details[4]': ['Expected an object, got number.'],
      },
    });
  });

  it('a source path through a value of the wrong type: the path up to the offending value', () => {
    const m = compileMapping({ resource: 'orders', field_map: { 'header.po_number': 'order_number', 'lines[0].ref': 'notes', 'a.b.c': 'customer_name' } });
    expect(unwrapErr(m.forward({ header: 'PO', lines: { ref: 1 }, a: { b: [1] } }, 'POST')).details).toEqual({
      header: ['Expected an object, got string.'],
      lines: ['Expected an array, got object.'],
      'a.b': ['Expected an object, got array.'],
    });
    // the same inside a nested element, with the element's caller path
    expect(unwrapErr(compileMapping({ resource: 'orders', nested_mappings: [{ source: 'L', target: 'items', field_map: { 'p.sku': 'sku_code' } }] }).forward({ L: [{}, { p: 5 }] }, 'POST')).details).toEqual({
      'L[1].p': ['Expected an object, got number.'],
    });
  });

  it('a static target through an existing value of another type (POST only)', () => {
    const body = { OrderNbr: 'A', metadata: 'web' };
    expect(unwrapErr(acumatica.forward(body, 'POST'))).toEqual({
      code: 'MAPPING_ERROR',
      message: "Field mapping failed: metadata: Cannot write 'metadata.source': expected an object, got string.",
      details: { metadata: ["Cannot write 'metadata.source': expected an object, got string."] },
    });
    expect(unwrap(acumatica.forward(body, 'PUT'))).toEqual({ order_number: 'A', metadata: 'web' });
  });

  it('a field_map target through a value of another type, reported at the caller path of that value', () => {
    const m = compileMapping({ resource: 'orders', field_map: { 'header.vendor': 'customer_info', contact_phone: 'customer_info.phone', x: 'metadata[0]' } });
    expect(unwrapErr(m.forward({ header: { vendor: 'Acme' }, contact_phone: '1', metadata: { a: 1 }, x: 2 }, 'POST')).details).toEqual({
      'header.vendor': ["Cannot write 'customer_info.phone': expected an object, got string."],
      metadata: ["Cannot write 'metadata[0]': expected an array, got object."],
    });
  });

  it('a write conflict inside a nested element', () => {
    const m = compileMapping({ resource: 'orders', nested_mappings: [{ source: 'L', target: 'items', field_map: { n: 'notes.text' } }] });
    expect(unwrapErr(m.forward({ L: [{ n: 'a', notes: 'plain' }] }, 'POST')).details).toEqual({
      'L[0].notes': ["Cannot write 'items[0].notes.text': expected an object, got string."],
    });
  });

  it('a stored mapping that cannot be interpreted', () => {
    for (const stored of [null, 'x', { resource: 'orders', field_map: { 'a..b': 'order_number' } }, { resource: 'widgets' }, { resource: 'products', field_map: { a: 'items' } }]) {
      const m = compileMapping(stored);
      expect(m.valid).toBe(false);
      expect(unwrapErr(m.forward({ a: 1 }, 'POST'))).toEqual({
        code: 'MAPPING_ERROR',
        message: `Field mapping failed: non_field_errors: ${INVALID_MAPPING_MESSAGE}`,
        details: { non_field_errors: [INVALID_MAPPING_MESSAGE] },
      });
      expect(m.reverseRecord({ a: 1 })).toEqual({ a: 1 });
    }
  });

  it('is not an error: absent sources, unmapped keys, leaf values of unexpected types, a source through null', () => {
    expect(unwrap(acumatica.forward({ OrderNbr: { odd: true }, Date: [1], Junk: 1, BillToContact: null }, 'PUT'))).toEqual({
      order_number: { odd: true },
      order_date: [1],
      Junk: 1,
      // removing BillToContact.BusinessName: its parent does not exist (null), nothing is removed (§3.2)
      BillToContact: null,
    });
  });

  it('counts every message in the summary: several causes, listed in the order found', () => {
    const e = unwrapErr(acumatica.forward({ Details: [1], BillToContact: 'x', metadata: 'web' }, 'POST'));
    expect(e.details).toEqual({
      'Details[0]': ['Expected an object, got number.'],
      BillToContact: ['Expected an object, got string.'],
      metadata: ["Cannot write 'metadata.source': expected an object, got string."],
    });
    expect(e.message).toBe('Field mapping failed: Details[0]: Expected an object, got number. (and 2 more)');
  });
});

describe('values a double cannot hold (JsonNumberLiteral) are carried through untouched', () => {
  it('forward and reverse keep the very instance, mapped or passed through', () => {
    const body = unwrap(parseJsonText('{"Details":[{"InventoryID":"A","OrderQty":12345678901234567890}],"OrderNbr":1e400,"Extra":[1.00000000000000000001]}'));
    const out = unwrap(acumatica.forward(body, 'POST'));
    const literal = ((body.Details as unknown[])[0] as Record<string, unknown>).OrderQty;
    expect(literal).toBeInstanceOf(JsonNumberLiteral);
    expect(((out.items as unknown[])[0] as Record<string, unknown>).quantity).toBe(literal);
    expect(out.order_number).toBe(body.OrderNbr);
    expect((out.Extra as unknown[])[0]).toBe((body.Extra as unknown[])[0]);
    const back = acumatica.reverseRecord(out) as Record<string, unknown>;
    expect(back.OrderNbr).toBe(body.OrderNbr);
  });

  it('calls such a number a number in messages', () => {
    const body = unwrap(parseJsonText('{"Details":1e400,"BillToContact":123456789012345678901}'));
    expect(unwrapErr(acumatica.forward(body, 'POST')).details).toEqual({
      Details: ['Expected an array, got number.'],
      BillToContact: ['Expected an object, got number.'],
    });
  });

  it('keeps a __proto__ member a plain member', () => {
    const body = unwrap(parseJsonText('{"__proto__":{"x":1},"OrderNbr":"A","Details":[{"__proto__":1,"InventoryID":"S"}]}'));
    const out = unwrap(acumatica.forward(body, 'PUT'));
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out).sort()).toEqual(['__proto__', 'items', 'order_number']);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ x: 1 });
    expect(Object.getOwnPropertyDescriptor((out.items as object[])[0], '__proto__')?.value).toBe(1);
  });
});

describe('error paths and messages (§7)', () => {
  it('keeps pass-through fields, static targets, non_field_errors, query parameters and non-paths', () => {
    const m = compileMapping({ resource: 'orders', field_map: { st: 'status', ref: 'order_number' }, static_values: { 'metadata.source': 'x' } });
    expect(m.translateErrorDetails({ notes: ['a'], 'metadata.source': ['b'], non_field_errors: ['c'], status: ['d'], 'x..y': ['e'] }, { keep: ['status'] })).toEqual({
      notes: ['a'],
      'metadata.source': ['b'],
      non_field_errors: ['c'],
      status: ['d'],
      'x..y': ['e'],
    });
    expect(m.translatePath('status')).toBe('st');
  });

  it('merges two internal paths that translate to one caller path', () => {
    const m = compileMapping({ resource: 'orders', field_map: { a: 'order_number', 'b.c': 'customer_info', 'b.c.x': 'customer_name' } });
    expect(m.translateErrorDetails({ customer_name: ['one'], 'customer_info.x': ['two'] })).toEqual({ 'b.c.x': ['one', 'two'] });
  });

  it('recomputes the summary only when it was the standard summary; other codes untouched', () => {
    const m = compileMapping(templateMapping('acumatica', 'orders'));
    const sku = {
      code: 'SERVICE_ERROR' as const,
      message: 'Products not found or inactive: RUG-9',
      details: { 'items[0].sku_code': ["Product 'RUG-9' does not exist or is inactive."] },
    };
    expect(m.translateError(sku)).toEqual({ ...sku, details: { 'Details[0].InventoryID': ["Product 'RUG-9' does not exist or is inactive."] } });
    const validation = { code: 'VALIDATION_ERROR' as const, message: 'order_number: This field is required. (and 1 more)', details: { order_number: ['This field is required.'], notes: ['Not a valid string.'] } };
    expect(m.translateError(validation)).toEqual({
      code: 'VALIDATION_ERROR',
      message: 'OrderNbr: This field is required. (and 1 more)',
      details: { OrderNbr: ['This field is required.'], Description: ['Not a valid string.'] },
    });
    const notFound = { code: 'NOT_FOUND' as const, message: "Order 'x' not found." };
    expect(m.translateError(notFound)).toBe(notFound);
    const dup = { code: 'DUPLICATE' as const, message: 'sku: A product with this sku already exists.', details: { sku: ['A product with this sku already exists.'] } };
    expect(compileMapping(templateMapping('acumatica', 'products')).translateError(dup)).toEqual({
      code: 'DUPLICATE',
      message: 'InventoryID: A product with this InventoryID already exists.',
      details: { InventoryID: ['A product with this InventoryID already exists.'] },
    });
  });

  it('replaces a quoted field name only where it stands as a field name', () => {
    expect(replaceFieldName('An order with this order_number already exists.', 'order_number', 'OrderNbr')).toBe('An order with this OrderNbr already exists.');
    expect(replaceFieldName('"order_number" is not a valid choice.', 'order_number', 'X')).toBe('"order_number" is not a valid choice.');
    expect(replaceFieldName('see customer_info.phone', 'customer_info', 'c')).toBe('see customer_info.phone');
    expect(replaceFieldName('see customer_info.', 'customer_info', 'c')).toBe('see c.');
    expect(replaceFieldName('my_sku and sku', 'sku', 'S')).toBe('my_sku and S');
  });
});

describe('reverse mapping (§6)', () => {
  it('skips a rule whose write conflicts, never fails', () => {
    const m = compileMapping({ resource: 'orders', field_map: { 'a.b': 'order_number', a: 'notes' } });
    // `a` (from notes, one step) is written first as a string, so `a.b` conflicts and is skipped
    expect(m.reverseRecord({ order_number: 'N', notes: 'text' })).toEqual({ a: 'text' });
  });

  it('lets a reverse write replace a pass-through key of the same name', () => {
    const m = compileMapping({ resource: 'orders', field_map: { id: 'order_number', uuid: 'id' } });
    expect(m.reverseRecord({ id: 'U', order_number: 'N' })).toEqual({ id: 'N', uuid: 'U' });
  });

  it('maps lists element-wise and inventory records with the nested element map (§6.2, §6.3)', () => {
    const orders = compileMapping({ resource: 'orders', field_map: { ref: 'order_number' } });
    expect(orders.reverseList([{ order_number: 'A' }, { order_number: 'B', status: 'pending' }])).toEqual([{ ref: 'A' }, { ref: 'B', status: 'pending' }]);
    const inventory = compileMapping(templateMapping('acumatica', 'inventory'));
    const record = { location_code: 'A-101', sku_code: 'RUG', quantity: 5, updated_at: '2026-01-01T00:00:00Z' };
    expect(inventory.reverseRecord(record)).toEqual({ LocationID: 'A-101', InventoryID: 'RUG', OnHand: 5, updated_at: '2026-01-01T00:00:00Z' });
    expect(inventory.reverseInventoryRecord(record)).toEqual({ LocationID: 'A-101', InventoryID: 'RUG', OnHand: 5, updated_at: '2026-01-01T00:00:00Z' });
    expect(compileMapping({ resource: 'inventory', field_map: { memo: 'notes' } }).reverseRecord(record)).toEqual(record);
  });
});
