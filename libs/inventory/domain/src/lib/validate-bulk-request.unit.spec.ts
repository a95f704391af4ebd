import { parseJsonText, toValidationError } from '@datamingle/kernel';
import { bulkIdentifiers, echoIdentifier, parseBulkRow, parseBulkRows, validateBulkRequest } from './validate-bulk-request';

const row = { location_code: 'A-101', sku_code: 'RUG-5X7-BLU', quantity: 150 };

describe('validateBulkRequest', () => {
  it('accepts the spec example', () => {
    const body = {
      inventory: [
        { location_code: 'A-101', sku_code: 'RUG-5X7-BLU', quantity: 150 },
        { location_code: 'A-101', sku_code: 'RUG-8X10-RED', quantity: 75 },
        { location_code: 'B-201', sku_code: 'RUG-5X7-BLU', quantity: 200 },
      ],
      source: 'erp_sync',
      notes: 'Daily inventory sync',
    };
    expect(validateBulkRequest(body)).toEqual({ ok: true, value: { rows: body.inventory, source: 'erp_sync', notes: 'Daily inventory sync' } });
  });

  it('defaults source to bulk_import and notes to null; ignores unknown fields', () => {
    expect(validateBulkRequest({ inventory: [row], extra: true })).toEqual({
      ok: true,
      value: { rows: [row], source: 'bulk_import', notes: null },
    });
    expect(validateBulkRequest({ inventory: [row], notes: null })).toMatchObject({ ok: true, value: { notes: null } });
  });

  it.each(['bulk_import', 'manual_adjustment', 'erp_sync', 'initial_load'])('accepts source %s', (source) => {
    expect(validateBulkRequest({ inventory: [row], source })).toMatchObject({ ok: true, value: { source } });
  });

  it('does not inspect the rows', () => {
    expect(validateBulkRequest({ inventory: [1, 'x', null, []] })).toMatchObject({ ok: true, value: { rows: [1, 'x', null, []] } });
  });

  it('accepts 50,000 rows and rejects 50,001', () => {
    const rows = new Array<unknown>(50_000).fill(row);
    const r = validateBulkRequest({ inventory: rows });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.rows).toHaveLength(50_000);
    expect(validateBulkRequest({ inventory: [...rows, row] })).toEqual({
      ok: false,
      error: { inventory: ['Ensure this field has no more than 50000 elements.'] },
    });
  });

  it('accepts notes of 5,000 characters and rejects 5,001', () => {
    expect(validateBulkRequest({ inventory: [row], notes: '😀'.repeat(5000) }).ok).toBe(true);
    expect(validateBulkRequest({ inventory: [row], notes: 'n'.repeat(5001) })).toEqual({
      ok: false,
      error: { notes: ['Ensure this field has no more than 5000 characters.'] },
    });
  });

  it.each([
    ['inventory', undefined, 'This field is required.'],
    ['inventory', null, 'This field may not be null.'],
    ['inventory', {}, 'Expected a list of items.'],
    ['inventory', 'rows', 'Expected a list of items.'],
    ['inventory', 3, 'Expected a list of items.'],
    ['inventory', [], 'This list may not be empty.'],
    ['source', 'bogus', '"bogus" is not a valid choice.'],
    ['source', 'ERP_SYNC', '"ERP_SYNC" is not a valid choice.'],
    ['source', '', '"" is not a valid choice.'],
    ['source', 5, '"5" is not a valid choice.'],
    ['source', true, 'Not a valid string.'],
    ['source', null, 'This field may not be null.'],
    ['notes', 12.5, 'Not a valid string.'],
    ['notes', { a: 1 }, 'Not a valid string.'],
  ])('%s = %p → %s', (field, value, message) => {
    const body: Record<string, unknown> = { inventory: [row], [field]: value };
    if (value === undefined) delete body[field];
    expect(validateBulkRequest(body)).toEqual({ ok: false, error: { [field]: [message] } });
  });

  it('reports all whole-request errors together in document order', () => {
    const r = validateBulkRequest({ notes: false, source: 'nope' });
    expect(r).toEqual({
      ok: false,
      error: {
        inventory: ['This field is required.'],
        source: ['"nope" is not a valid choice.'],
        notes: ['Not a valid string.'],
      },
    });
    if (!r.ok) expect(toValidationError(r.error).message).toBe('inventory: This field is required. (and 2 more)');
  });
});

describe('parseBulkRow', () => {
  it('accepts a well-formed row, trimming the identifiers and normalising the quantity', () => {
    expect(parseBulkRow({ location_code: ' A-101 ', sku_code: '\tRUG-5X7-BLU ', quantity: 1e2, extra: 'x' }, 0)).toEqual({
      row: 0,
      ok: true,
      locationCode: 'A-101',
      sku: 'RUG-5X7-BLU',
      quantity: 100,
    });
    expect(parseBulkRow({ location_code: 'A', sku_code: 'B', quantity: -0 }, 1)).toMatchObject({ ok: true, quantity: 0 });
    expect(parseBulkRow({ location_code: 'A', sku_code: 'B', quantity: 1_000_000_000 }, 1)).toMatchObject({ ok: true });
    expect(parseBulkRow({ location_code: 'x'.repeat(100), sku_code: 'y'.repeat(100), quantity: 10.0 }, 1)).toMatchObject({ ok: true });
  });

  it('converts integer identifiers to their decimal text', () => {
    expect(parseBulkRow({ location_code: 4512, sku_code: 17, quantity: 1 }, 0)).toEqual({
      row: 0,
      ok: true,
      locationCode: '4512',
      sku: '17',
      quantity: 1,
    });
    expect(parseBulkRow({ location_code: 4512, sku_code: 17, quantity: -1 }, 0)).toMatchObject({
      ok: false,
      location_id: '4512',
      product_id: '17',
      locationCode: '4512',
      sku: '17',
    });
  });

  it('judges number literals a double cannot carry by their exact value (rows as the body parser gives them)', () => {
    const body = parseJsonText(
      '{"inventory": [{"location_code": "A", "sku_code": 12345678901234567, "quantity": 9007199254740993}, {"location_code": 1e400, "sku_code": "B", "quantity": 1e400}, 1e400]}',
    );
    const rows = body.ok ? (body.value['inventory'] as unknown[]) : [];
    expect(parseBulkRows(rows)).toEqual([
      {
        row: 0,
        ok: false,
        location_id: 'A',
        product_id: '12345678901234567',
        locationCode: 'A',
        sku: '12345678901234567',
        errors: { quantity: ['A valid integer is required.'] },
      },
      {
        row: 1,
        ok: false,
        location_id: null,
        product_id: 'B',
        locationCode: null,
        sku: 'B',
        errors: { location_id: ['Not a valid string.'], quantity: ['A valid integer is required.'] },
      },
      { row: 2, ok: false, location_id: null, product_id: null, locationCode: null, sku: null, errors: { non_field_errors: ['Expected a JSON object.'] } },
    ]);
  });

  it.each([[1], ['row'], [null], [true], [[row]]])('a row that is not an object (%p) → non_field_errors', (value) => {
    expect(parseBulkRow(value, 4)).toEqual({
      row: 4,
      ok: false,
      location_id: null,
      product_id: null,
      locationCode: null,
      sku: null,
      errors: { non_field_errors: ['Expected a JSON object.'] },
    });
  });

  it('reports missing fields with the keys location_id, product_id, quantity', () => {
    expect(parseBulkRow({}, 0)).toEqual({
      row: 0,
      ok: false,
      location_id: null,
      product_id: null,
      locationCode: null,
      sku: null,
      errors: {
        location_id: ['This field is required.'],
        product_id: ['This field is required.'],
        quantity: ['This field is required.'],
      },
    });
  });

  it('reports all field errors in the order location_id, product_id, quantity', () => {
    const r = parseBulkRow({ quantity: 'x', sku_code: '', location_code: null }, 2);
    expect(r).toEqual({
      row: 2,
      ok: false,
      location_id: null,
      product_id: '',
      locationCode: null,
      sku: null,
      errors: {
        location_id: ['This field may not be null.'],
        product_id: ['This field may not be blank.'],
        quantity: ['A valid integer is required.'],
      },
    });
    if (!r.ok) expect(Object.keys(r.errors)).toEqual(['location_id', 'product_id', 'quantity']);
  });

  it.each([
    [1.5, 'Not a valid string.'],
    [true, 'Not a valid string.'],
    [false, 'Not a valid string.'],
    [{ code: 'A' }, 'Not a valid string.'],
    [['A'], 'Not a valid string.'],
    [null, 'This field may not be null.'],
  ])('location_code %p → null id and %s', (value, message) => {
    expect(parseBulkRow({ location_code: value, sku_code: 'S', quantity: 1 }, 0)).toEqual({
      row: 0,
      ok: false,
      location_id: null,
      product_id: 'S',
      locationCode: null,
      sku: 'S',
      errors: { location_id: [message] },
    });
  });

  it.each([
    [2.5, 'Not a valid string.'],
    [true, 'Not a valid string.'],
    ['S\u0000', 'Not a valid string.'],
  ])('sku_code %p → null id and %s', (value, message) => {
    expect(parseBulkRow({ location_code: ' L ', sku_code: value, quantity: 1 }, 0)).toEqual({
      row: 0,
      ok: false,
      location_id: 'L',
      product_id: null,
      locationCode: 'L',
      sku: null,
      errors: { product_id: [message] },
    });
  });

  it('echoes over-long and blank identifiers trimmed', () => {
    const long = `  ${'x'.repeat(101)} `;
    expect(parseBulkRow({ location_code: long, sku_code: '   ', quantity: 1 }, 0)).toEqual({
      row: 0,
      ok: false,
      location_id: 'x'.repeat(101),
      product_id: '',
      locationCode: null,
      sku: null,
      errors: {
        location_id: ['Ensure this field has no more than 100 characters.'],
        product_id: ['This field may not be blank.'],
      },
    });
  });

  it.each([
    [-4, 'Ensure this value is greater than or equal to 0.'],
    [1_000_000_001, 'Ensure this value is less than or equal to 1000000000.'],
    [1.5, 'A valid integer is required.'],
    ['5', 'A valid integer is required.'],
    [true, 'A valid integer is required.'],
    [2 ** 53 + 2, 'A valid integer is required.'],
    [null, 'This field may not be null.'],
    [undefined, 'This field is required.'],
  ])('quantity %p → %s, keeping the well-formed identifiers', (quantity, message) => {
    const body: Record<string, unknown> = { location_code: 'A-103', sku_code: 'RUG-0000', quantity };
    if (quantity === undefined) delete body['quantity'];
    expect(parseBulkRow(body, 3)).toEqual({
      row: 3,
      ok: false,
      location_id: 'A-103',
      product_id: 'RUG-0000',
      locationCode: 'A-103',
      sku: 'RUG-0000',
      errors: { quantity: [message] },
    });
  });

  it('ignores inherited properties', () => {
    const r = parseBulkRow(JSON.parse('{"__proto__": {"location_code": "A"}, "sku_code": "S", "quantity": 1}'), 0);
    expect(r).toMatchObject({ ok: false, errors: { location_id: ['This field is required.'] } });
  });
});

describe('parseBulkRows', () => {
  it('numbers the rows from zero in array order', () => {
    const parsed = parseBulkRows([row, 'x', { ...row, quantity: -1 }]);
    expect(parsed.map((p) => [p.row, p.ok])).toEqual([
      [0, true],
      [1, false],
      [2, false],
    ]);
  });

  it('collects the distinct well-formed identifiers to look up', () => {
    const parsed = parseBulkRows([
      row,
      { location_code: 'B', sku_code: 'RUG-5X7-BLU', quantity: -1 },
      { location_code: ' A-101', sku_code: 1.5, quantity: 1 },
      'x',
      { location_code: '', sku_code: 'S2', quantity: 1 },
    ]);
    expect(bulkIdentifiers(parsed)).toEqual({ locationCodes: ['A-101', 'B'], skus: ['RUG-5X7-BLU', 'S2'] });
  });
});

describe('echoIdentifier', () => {
  it('applies the string rules and trims', () => {
    expect(echoIdentifier(' A ')).toBe('A');
    expect(echoIdentifier(4512)).toBe('4512');
    expect(echoIdentifier(-7)).toBe('-7');
    expect(echoIdentifier(1e21)).toBe('1000000000000000000000');
    expect(echoIdentifier(1e23)).toBe('100000000000000000000000'); // as sent, not the double's 99999999999999991611392
    expect(echoIdentifier(undefined)).toBeNull();
    expect(echoIdentifier(null)).toBeNull();
    expect(echoIdentifier(4.5)).toBeNull();
    expect(echoIdentifier(false)).toBeNull();
    expect(echoIdentifier({})).toBeNull();
    expect(echoIdentifier('\ud800')).toBeNull();
  });
});
