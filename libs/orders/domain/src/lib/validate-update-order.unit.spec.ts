import type { OrderDto } from '@datamingle/contracts';
import { toValidationError } from '@datamingle/kernel';
import { anOrderDto } from '../testing-support/order-fixtures';
import { extractUpdateKeys, validateUpdateOrder } from './validate-update-order';

const current: OrderDto = anOrderDto({ customer_info: { address: '123 Main St' }, items: [] });

describe('validateUpdateOrder', () => {
  it('returns only the fields present', () => {
    expect(validateUpdateOrder({ notes: 'Priority shipping', due_date: '2026-04-28T00:00:00Z' }, current)).toEqual({
      ok: true,
      value: { notes: 'Priority shipping', due_date: '2026-04-28T00:00:00Z' },
    });
    expect(validateUpdateOrder({}, current)).toEqual({ ok: true, value: {} });
  });

  it('ignores unknown and read-only fields', () => {
    expect(
      validateUpdateOrder({ status: 'shipped', id: 'x', cancellation_reason: 'r', created_at: 'x', foo: 1 }, current),
    ).toEqual({ ok: true, value: {} });
  });

  it('clears optional fields with null; objects become {}', () => {
    expect(
      validateUpdateOrder(
        { customer_name: null, customer_info: null, notes: null, order_date: null, due_date: null, metadata: null },
        current,
      ),
    ).toEqual({
      ok: true,
      value: { customer_name: null, customer_info: {}, notes: null, order_date: null, due_date: null, metadata: {} },
    });
  });

  it('clears external_order_id with "" or null and trims it otherwise', () => {
    expect(validateUpdateOrder({ external_order_id: '' }, current)).toEqual({ ok: true, value: { external_order_id: null } });
    expect(validateUpdateOrder({ external_order_id: '  ' }, current)).toEqual({ ok: true, value: { external_order_id: null } });
    expect(validateUpdateOrder({ external_order_id: null }, current)).toEqual({ ok: true, value: { external_order_id: null } });
    expect(validateUpdateOrder({ external_order_id: ' ERP-6 ' }, current)).toEqual({
      ok: true,
      value: { external_order_id: 'ERP-6' },
    });
  });

  it('accepts order_number equal to the current value after trimming', () => {
    expect(validateUpdateOrder({ order_number: '  ORD-2026-001 ' }, current)).toEqual({ ok: true, value: {} });
  });

  it('rejects a changed order_number', () => {
    const r = validateUpdateOrder({ order_number: 'ORD-OTHER' }, current);
    expect(r).toEqual({ ok: false, error: { order_number: ['This field cannot be changed.'] } });
    expect(validateUpdateOrder({ order_number: 'ord-2026-001' }, current).ok).toBe(false);
  });

  it('validates order_number type before comparing', () => {
    expect(validateUpdateOrder({ order_number: null }, current)).toEqual({
      ok: false,
      error: { order_number: ['This field may not be null.'] },
    });
    expect(validateUpdateOrder({ order_number: '   ' }, current)).toEqual({
      ok: false,
      error: { order_number: ['This field may not be blank.'] },
    });
  });

  it.each([[[]], [null], [[{ sku_code: 'A', quantity: 1 }]], [{}], ['x']])('rejects items = %p', (items) => {
    const r = validateUpdateOrder({ items }, current);
    expect(r).toEqual({ ok: false, error: { items: ['Order lines cannot be changed with PUT.'] } });
    if (!r.ok) {
      expect(toValidationError(r.error).message).toBe('items: Order lines cannot be changed with PUT.');
    }
  });

  it('reports all errors in document order', () => {
    const r = validateUpdateOrder(
      {
        items: [],
        metadata: 'x',
        due_date: 'nope',
        notes: 'x'.repeat(5001),
        customer_name: 'x'.repeat(256),
        external_order_id: 'x'.repeat(101),
        order_number: 'CHANGED',
        customer_info: [],
        order_date: '2026-13-01',
      },
      current,
    );
    expect(r).toEqual({
      ok: false,
      error: {
        order_number: ['This field cannot be changed.'],
        external_order_id: ['Ensure this field has no more than 100 characters.'],
        customer_name: ['Ensure this field has no more than 255 characters.'],
        customer_info: ['Expected a JSON object.'],
        notes: ['Ensure this field has no more than 5000 characters.'],
        order_date: ['Datetime has wrong format. Use ISO 8601, e.g. 2026-05-01T00:00:00Z.'],
        due_date: ['Datetime has wrong format. Use ISO 8601, e.g. 2026-05-01T00:00:00Z.'],
        metadata: ['Expected a JSON object.'],
        items: ['Order lines cannot be changed with PUT.'],
      },
    });
    if (!r.ok) expect(toValidationError(r.error).message).toBe('order_number: This field cannot be changed. (and 8 more)');
  });

  it('reports a taken external_order_id', () => {
    expect(validateUpdateOrder({ external_order_id: 'ERP-9' }, current, { external_order_id: true })).toEqual({
      ok: false,
      error: { external_order_id: ['An order with this external_order_id already exists.'] },
    });
  });

  it("does not treat the order's own external_order_id as taken", () => {
    expect(validateUpdateOrder({ external_order_id: ' ERP-5001 ' }, current, { external_order_id: true })).toEqual({
      ok: true,
      value: { external_order_id: 'ERP-5001' },
    });
    expect(validateUpdateOrder({ external_order_id: '' }, current, { external_order_id: true }).ok).toBe(true);
  });

  it('normalises datetimes', () => {
    expect(validateUpdateOrder({ order_date: '2026-05-01T10:00:00+0200' }, current)).toEqual({
      ok: true,
      value: { order_date: '2026-05-01T08:00:00Z' },
    });
  });

  it('rejects an object larger than 65,536 bytes', () => {
    const big = { k: 'x'.repeat(65537 - '{"k":""}'.length) };
    expect(validateUpdateOrder({ customer_info: big }, current)).toEqual({
      ok: false,
      error: { customer_info: ['Ensure this object is no larger than 65536 bytes when serialized.'] },
    });
  });
});

describe('extractUpdateKeys', () => {
  it('returns the trimmed external_order_id when valid and set', () => {
    expect(extractUpdateKeys({ external_order_id: ' E-1 ' })).toEqual({ external_order_id: 'E-1' });
    expect(extractUpdateKeys({ external_order_id: 12 })).toEqual({ external_order_id: '12' });
    expect(extractUpdateKeys({})).toEqual({});
    expect(extractUpdateKeys({ external_order_id: '' })).toEqual({});
    expect(extractUpdateKeys({ external_order_id: null })).toEqual({});
    expect(extractUpdateKeys({ external_order_id: true })).toEqual({});
  });
});
