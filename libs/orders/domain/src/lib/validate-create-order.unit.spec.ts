import { summaryMessage, toValidationError } from '@datamingle/kernel';
import { anOrderBody, anOrderInput } from '../testing-support/order-fixtures';
import { extractCreateKeys, validateCreateOrder } from './validate-create-order';

const validBody = (): Record<string, unknown> => anOrderBody();

const errorsOf = (body: Record<string, unknown>, taken?: Parameters<typeof validateCreateOrder>[1]) => {
  const r = validateCreateOrder(body, taken);
  if (r.ok) throw new Error(`expected errors, got ${JSON.stringify(r.value)}`);
  return r.error;
};

const valueOf = (body: Record<string, unknown>) => {
  const r = validateCreateOrder(body);
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r.value;
};

describe('validateCreateOrder', () => {
  describe('valid bodies', () => {
    it('accepts the spec example and normalises it', () => {
      expect(valueOf(validBody())).toEqual(anOrderInput());
    });

    it('applies defaults for a minimal body', () => {
      expect(valueOf({ order_number: 'A', items: [{ sku_code: 'S', quantity: 1 }] })).toEqual({
        order_number: 'A',
        external_order_id: null,
        customer_name: null,
        customer_info: {},
        notes: null,
        order_date: null,
        due_date: null,
        metadata: {},
        items: [{ sku_code: 'S', quantity: 1, notes: null }],
      });
    });

    it('turns null objects into {} and keeps explicit nulls', () => {
      const v = valueOf({
        order_number: 'A',
        external_order_id: null,
        customer_name: null,
        customer_info: null,
        notes: null,
        order_date: null,
        due_date: null,
        metadata: null,
        items: [{ sku_code: 'S', quantity: 1, notes: null }],
      });
      expect(v.customer_info).toEqual({});
      expect(v.metadata).toEqual({});
      expect(v.external_order_id).toBeNull();
      expect(v.order_date).toBeNull();
    });

    it('ignores unknown and read-only fields', () => {
      const v = valueOf({
        ...validBody(),
        id: 'x',
        status: 'shipped',
        cancellation_reason: 'no',
        created_at: 'bogus',
        updated_at: 5,
        whatever: { deep: true },
        items: [{ sku_code: 'S', quantity: 1, id: 'x', sku: { sku: 'OTHER' }, verified_quantity: 9, verification_status: 'verified' }],
      });
      expect(Object.keys(v)).toEqual([
        'order_number',
        'external_order_id',
        'customer_name',
        'customer_info',
        'notes',
        'order_date',
        'due_date',
        'metadata',
        'items',
      ]);
      expect(v.items).toEqual([{ sku_code: 'S', quantity: 1, notes: null }]);
    });

    it('trims identifier-like fields but stores other strings as sent', () => {
      const v = valueOf({
        order_number: '  ORD-1 ',
        external_order_id: '\tERP-1\n',
        customer_name: '  Acme  ',
        notes: '  spaced  ',
        items: [{ sku_code: ' SKU-1 ', quantity: 1, notes: ' n ' }],
      });
      expect(v.order_number).toBe('ORD-1');
      expect(v.external_order_id).toBe('ERP-1');
      expect(v.customer_name).toBe('  Acme  ');
      expect(v.notes).toBe('  spaced  ');
      expect(v.items[0]).toEqual({ sku_code: 'SKU-1', quantity: 1, notes: ' n ' });
    });

    it('stores a blank external_order_id as null', () => {
      expect(valueOf({ ...validBody(), external_order_id: '' }).external_order_id).toBeNull();
      expect(valueOf({ ...validBody(), external_order_id: '   ' }).external_order_id).toBeNull();
    });

    it('accepts JSON integers for string fields', () => {
      const v = valueOf({ ...validBody(), order_number: 4512, external_order_id: 77, items: [{ sku_code: 1001, quantity: 1 }] });
      expect(v.order_number).toBe('4512');
      expect(v.external_order_id).toBe('77');
      expect(v.items[0].sku_code).toBe('1001');
    });

    it('accepts integral quantities in any notation', () => {
      const v = valueOf({
        ...validBody(),
        items: [
          { sku_code: 'A', quantity: 10.0 },
          { sku_code: 'B', quantity: 1e3 },
          { sku_code: 'C', quantity: 1_000_000 },
        ],
      });
      expect(v.items.map((l) => l.quantity)).toEqual([10, 1000, 1_000_000]);
    });

    it('accepts the limits exactly', () => {
      const v = valueOf({
        order_number: 'x'.repeat(100),
        external_order_id: 'y'.repeat(100),
        customer_name: 'n'.repeat(255),
        notes: 'z'.repeat(5000),
        items: Array.from({ length: 1000 }, (_, i) => ({ sku_code: `S-${i}`, quantity: 1, notes: 'q'.repeat(5000) })),
      });
      expect(v.items).toHaveLength(1000);
    });

    it('counts lengths in code points', () => {
      expect(valueOf({ ...validBody(), order_number: '😀'.repeat(100) }).order_number).toBe('😀'.repeat(100));
    });

    it('normalises datetimes to UTC', () => {
      const v = valueOf({ ...validBody(), order_date: '2026-05-01T10:00:00.482913+02:00', due_date: '2026-05-01T10:00' });
      expect(v.order_date).toBe('2026-05-01T08:00:00.482913Z');
      expect(v.due_date).toBe('2026-05-01T10:00:00Z');
    });

    it('keeps the same SKU on several lines separately', () => {
      const v = valueOf({ ...validBody(), items: [{ sku_code: 'A', quantity: 1 }, { sku_code: 'A', quantity: 2 }] });
      expect(v.items).toHaveLength(2);
    });
  });

  describe('required fields', () => {
    it('reports missing order_number and items', () => {
      const errors = errorsOf({});
      expect(errors).toEqual({ order_number: ['This field is required.'], items: ['This field is required.'] });
      expect(toValidationError(errors).message).toBe('order_number: This field is required. (and 1 more)');
    });

    it('reports null on required fields', () => {
      expect(errorsOf({ order_number: null, items: null })).toEqual({
        order_number: ['This field may not be null.'],
        items: ['This field may not be null.'],
      });
    });

    it('reports blank identifiers', () => {
      expect(errorsOf({ ...validBody(), order_number: '   ' })).toEqual({ order_number: ['This field may not be blank.'] });
      expect(errorsOf({ ...validBody(), order_number: '' })).toEqual({ order_number: ['This field may not be blank.'] });
      expect(errorsOf({ ...validBody(), items: [{ sku_code: '  ', quantity: 1 }] })).toEqual({
        'items[0].sku_code': ['This field may not be blank.'],
      });
    });
  });

  describe('type and range errors', () => {
    it.each([
      ['order_number', 1.5, 'Not a valid string.'],
      ['order_number', true, 'Not a valid string.'],
      ['order_number', ['a'], 'Not a valid string.'],
      ['order_number', { a: 1 }, 'Not a valid string.'],
      ['order_number', 'a\u0000b', 'Not a valid string.'],
      ['order_number', '\ud800', 'Not a valid string.'],
      ['order_number', 'x'.repeat(101), 'Ensure this field has no more than 100 characters.'],
      ['order_number', `  ${'x'.repeat(101)}  `, 'Ensure this field has no more than 100 characters.'],
      ['external_order_id', 'x'.repeat(101), 'Ensure this field has no more than 100 characters.'],
      ['external_order_id', false, 'Not a valid string.'],
      ['customer_name', 'x'.repeat(256), 'Ensure this field has no more than 255 characters.'],
      ['customer_name', 3.25, 'Not a valid string.'],
      ['notes', 'x'.repeat(5001), 'Ensure this field has no more than 5000 characters.'],
      ['notes', { text: 'x' }, 'Not a valid string.'],
      ['customer_info', [], 'Expected a JSON object.'],
      ['customer_info', 'x', 'Expected a JSON object.'],
      ['metadata', 5, 'Expected a JSON object.'],
      ['order_date', 'yesterday', 'Datetime has wrong format. Use ISO 8601, e.g. 2026-05-01T00:00:00Z.'],
      ['order_date', '2026-02-30', 'Datetime has wrong format. Use ISO 8601, e.g. 2026-05-01T00:00:00Z.'],
      ['due_date', 20260501, 'Datetime has wrong format. Use ISO 8601, e.g. 2026-05-01T00:00:00Z.'],
      ['due_date', '2026-05-01T10:00:00+2', 'Datetime has wrong format. Use ISO 8601, e.g. 2026-05-01T00:00:00Z.'],
      ['items', {}, 'Expected a list of items.'],
      ['items', 'x', 'Expected a list of items.'],
      ['items', [], 'This list may not be empty.'],
    ])('%s = %p → %s', (field, value, message) => {
      expect(errorsOf({ ...validBody(), [field]: value })).toEqual({ [field]: [message] });
    });

    it('rejects objects larger than 65,536 bytes', () => {
      const big = { k: 'x'.repeat(65537 - '{"k":""}'.length) };
      const exact = { k: 'x'.repeat(65536 - '{"k":""}'.length) };
      expect(errorsOf({ ...validBody(), metadata: big })).toEqual({
        metadata: ['Ensure this object is no larger than 65536 bytes when serialized.'],
      });
      expect(errorsOf({ ...validBody(), customer_info: big })).toEqual({
        customer_info: ['Ensure this object is no larger than 65536 bytes when serialized.'],
      });
      expect(validateCreateOrder({ ...validBody(), metadata: exact }).ok).toBe(true);
    });

    it('rejects invalid strings nested in objects at their path', () => {
      expect(errorsOf({ ...validBody(), metadata: { note: 'a\u0000' } })).toEqual({ 'metadata.note': ['Not a valid string.'] });
    });

    it('rejects 1,001 items with one error on the list', () => {
      const items = Array.from({ length: 1001 }, () => ({ sku_code: 'A', quantity: 0 }));
      expect(errorsOf({ ...validBody(), items })).toEqual({ items: ['Ensure this field has no more than 1000 elements.'] });
    });

    it.each([
      [0, 'Ensure this value is greater than or equal to 1.'],
      [-1, 'Ensure this value is greater than or equal to 1.'],
      [-0, 'Ensure this value is greater than or equal to 1.'],
      [1_000_001, 'Ensure this value is less than or equal to 1000000.'],
      [1.5, 'A valid integer is required.'],
      ['5', 'A valid integer is required.'],
      [true, 'A valid integer is required.'],
      [2 ** 53 + 2, 'A valid integer is required.'],
      [null, 'This field may not be null.'],
    ])('line quantity %p → %s', (quantity, message) => {
      expect(errorsOf({ ...validBody(), items: [{ sku_code: 'A', quantity }] })).toEqual({ 'items[0].quantity': [message] });
    });

    it('reports lines that are not objects', () => {
      expect(errorsOf({ ...validBody(), items: ['A', 5, [], null] })).toEqual({
        'items[0]': ['Expected a JSON object.'],
        'items[1]': ['Expected a JSON object.'],
        'items[2]': ['Expected a JSON object.'],
        'items[3]': ['This field may not be null.'],
      });
    });

    it('reports missing line fields', () => {
      expect(errorsOf({ ...validBody(), items: [{}] })).toEqual({
        'items[0].sku_code': ['This field is required.'],
        'items[0].quantity': ['This field is required.'],
      });
    });
  });

  describe('error ordering', () => {
    it('reports fields in document order, lines element-major', () => {
      const errors = errorsOf({
        items: [
          { sku_code: 'A', quantity: 1, notes: 5.5 },
          { quantity: 0 },
          { sku_code: 'x'.repeat(101), quantity: 'many', notes: 'ok' },
        ],
        metadata: [],
        due_date: 'bad',
        order_date: 'bad',
        notes: false,
        customer_info: 'x',
        customer_name: 1.5,
        external_order_id: true,
        order_number: null,
        status: 'ignored',
      });
      expect(Object.keys(errors)).toEqual([
        'order_number',
        'external_order_id',
        'customer_name',
        'customer_info',
        'notes',
        'order_date',
        'due_date',
        'metadata',
        'items[0].notes',
        'items[1].sku_code',
        'items[1].quantity',
        'items[2].sku_code',
        'items[2].quantity',
      ]);
      expect(summaryMessage(errors)).toBe('order_number: This field may not be null. (and 12 more)');
    });

    it('matches the errors.md §6.1 example', () => {
      const errors = errorsOf({ items: [{ sku_code: 'A', quantity: 0 }, { quantity: 1 }] });
      expect(toValidationError(errors)).toEqual({
        code: 'VALIDATION_ERROR',
        message: 'order_number: This field is required. (and 2 more)',
        details: {
          order_number: ['This field is required.'],
          'items[0].quantity': ['Ensure this value is greater than or equal to 1.'],
          'items[1].sku_code': ['This field is required.'],
        },
      });
    });
  });

  describe('uniqueness (taken keys)', () => {
    it('adds the duplicate order_number message', () => {
      const errors = errorsOf(validBody(), { order_number: true });
      expect(toValidationError(errors)).toEqual({
        code: 'VALIDATION_ERROR',
        message: 'order_number: An order with this order_number already exists.',
        details: { order_number: ['An order with this order_number already exists.'] },
      });
    });

    it('adds the duplicate external_order_id message', () => {
      const errors = errorsOf(validBody(), { external_order_id: true });
      expect(errors).toEqual({ external_order_id: ['An order with this external_order_id already exists.'] });
      expect(summaryMessage(errors)).toContain('external_order_id already exists');
    });

    it('reports duplicates at their document position together with other errors', () => {
      const errors = errorsOf({ ...validBody(), customer_name: 5.5, items: [] }, { order_number: true, external_order_id: true });
      expect(errors).toEqual({
        order_number: ['An order with this order_number already exists.'],
        external_order_id: ['An order with this external_order_id already exists.'],
        customer_name: ['Not a valid string.'],
        items: ['This list may not be empty.'],
      });
    });

    it('does not flag an invalid or cleared key as taken', () => {
      expect(errorsOf({ ...validBody(), order_number: '  ' }, { order_number: true })).toEqual({
        order_number: ['This field may not be blank.'],
      });
      expect(validateCreateOrder({ ...validBody(), external_order_id: '' }, { external_order_id: true }).ok).toBe(true);
      expect(validateCreateOrder({ ...validBody(), external_order_id: null }, { external_order_id: true }).ok).toBe(true);
    });
  });
});

describe('extractCreateKeys', () => {
  it('returns the trimmed valid keys', () => {
    expect(extractCreateKeys({ order_number: ' ORD-1 ', external_order_id: ' E-1 ' })).toEqual({
      order_number: 'ORD-1',
      external_order_id: 'E-1',
    });
    expect(extractCreateKeys({ order_number: 4512 })).toEqual({ order_number: '4512' });
  });

  it('returns them even when other fields are invalid', () => {
    expect(extractCreateKeys({ order_number: 'ORD-1', items: 'nope', customer_name: false })).toEqual({ order_number: 'ORD-1' });
  });

  it('leaves out invalid, blank and null keys', () => {
    expect(extractCreateKeys({})).toEqual({});
    expect(extractCreateKeys({ order_number: '  ', external_order_id: '' })).toEqual({});
    expect(extractCreateKeys({ order_number: 'x'.repeat(101), external_order_id: null })).toEqual({});
    expect(extractCreateKeys({ order_number: true, external_order_id: '\u0000' })).toEqual({});
  });
});
