import { encodeCursor } from '@datamingle/kernel';
import { notFoundOrder, duplicateOrderError } from './order-errors';
import { validateOrderListQuery } from './order-list-query';

const ID = '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f';
const DT_MSG = 'Datetime has wrong format. Use ISO 8601, e.g. 2026-05-01T00:00:00Z.';

describe('validateOrderListQuery', () => {
  it('defaults', () => {
    expect(validateOrderListQuery({})).toEqual({ ok: true, value: { limit: 50, cursor: null, statuses: null, updatedSince: null } });
  });

  it('clamps the limit and never fails on it', () => {
    expect(validateOrderListQuery({ limit: '0' })).toMatchObject({ ok: true, value: { limit: 1 } });
    expect(validateOrderListQuery({ limit: '500' })).toMatchObject({ ok: true, value: { limit: 200 } });
    expect(validateOrderListQuery({ limit: 'abc' })).toMatchObject({ ok: true, value: { limit: 50 } });
  });

  it('decodes a cursor', () => {
    const cursor = encodeCursor({ c: '2026-04-16T10:00:00Z', i: ID });
    expect(validateOrderListQuery({ cursor })).toMatchObject({
      ok: true,
      value: { cursor: { c: '2026-04-16T10:00:00.000000Z', i: ID } },
    });
    expect(validateOrderListQuery({ cursor: '' })).toMatchObject({ ok: true, value: { cursor: null } });
  });

  it('parses a status list', () => {
    expect(validateOrderListQuery({ status: 'cancelled' })).toMatchObject({ ok: true, value: { statuses: ['cancelled'] } });
    expect(validateOrderListQuery({ status: 'pending,in_progress' })).toMatchObject({
      ok: true,
      value: { statuses: ['pending', 'in_progress'] },
    });
    expect(validateOrderListQuery({ status: 'pending, shipped,pending,' })).toMatchObject({
      ok: true,
      value: { statuses: ['pending', 'shipped'] },
    });
    expect(validateOrderListQuery({ status: '' })).toMatchObject({ ok: true, value: { statuses: null } });
    expect(validateOrderListQuery({ status: ',' })).toMatchObject({ ok: true, value: { statuses: null } });
  });

  it('rejects an unknown status', () => {
    expect(validateOrderListQuery({ status: 'bogus' })).toEqual({
      ok: false,
      error: {
        code: 'VALIDATION_ERROR',
        message: 'status: "bogus" is not a valid choice.',
        details: { status: ['"bogus" is not a valid choice.'] },
      },
    });
    expect(validateOrderListQuery({ status: 'pending,Cancelled,x' })).toEqual({
      ok: false,
      error: {
        code: 'VALIDATION_ERROR',
        message: 'status: "Cancelled" is not a valid choice. (and 1 more)',
        details: { status: ['"Cancelled" is not a valid choice.', '"x" is not a valid choice.'] },
      },
    });
  });

  it('parses updated_since', () => {
    expect(validateOrderListQuery({ updated_since: '2026-04-01T00:00:00Z' })).toMatchObject({
      ok: true,
      value: { updatedSince: '2026-04-01T00:00:00Z' },
    });
    expect(validateOrderListQuery({ updated_since: '2026-04-01T02:00:00+02:00' })).toMatchObject({
      ok: true,
      value: { updatedSince: '2026-04-01T00:00:00Z' },
    });
    expect(validateOrderListQuery({ updated_since: '2026-04-01' })).toMatchObject({
      ok: true,
      value: { updatedSince: '2026-04-01T00:00:00Z' },
    });
    expect(validateOrderListQuery({ updated_since: '' })).toMatchObject({ ok: true, value: { updatedSince: null } });
  });

  it('rejects a bad updated_since (including an unencoded +)', () => {
    for (const updated_since of ['yesterday', '2026-04-01T00:00:00 02:00']) {
      expect(validateOrderListQuery({ updated_since })).toEqual({
        ok: false,
        error: { code: 'VALIDATION_ERROR', message: `updated_since: ${DT_MSG}`, details: { updated_since: [DT_MSG] } },
      });
    }
  });

  it('answers an invalid cursor with the exact message', () => {
    expect(validateOrderListQuery({ cursor: 'not-a-cursor' })).toEqual({
      ok: false,
      error: { code: 'VALIDATION_ERROR', message: "Invalid cursor: 'not-a-cursor'", details: { cursor: ['Invalid cursor.'] } },
    });
  });

  it('reports several invalid parameters in the order cursor, status, updated_since', () => {
    expect(validateOrderListQuery({ updated_since: 'x', status: 'bogus', cursor: 'nope' })).toEqual({
      ok: false,
      error: {
        code: 'VALIDATION_ERROR',
        message: "Invalid cursor: 'nope'",
        details: { cursor: ['Invalid cursor.'], status: ['"bogus" is not a valid choice.'], updated_since: [DT_MSG] },
      },
    });
    expect(validateOrderListQuery({ updated_since: 'x', status: 'bogus' })).toEqual({
      ok: false,
      error: {
        code: 'VALIDATION_ERROR',
        message: 'status: "bogus" is not a valid choice. (and 1 more)',
        details: { status: ['"bogus" is not a valid choice.'], updated_since: [DT_MSG] },
      },
    });
  });

  it('cuts a long invalid cursor to 200 characters in the message', () => {
    const r = validateOrderListQuery({ cursor: 'z'.repeat(600) });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe(`Invalid cursor: '${'z'.repeat(200)}'`);
  });
});

describe('order errors', () => {
  it('builds the not-found error', () => {
    expect(notFoundOrder('ERP-9999')).toEqual({ code: 'NOT_FOUND', message: "Order 'ERP-9999' not found." });
    expect(notFoundOrder('x'.repeat(250)).message).toBe(`Order '${'x'.repeat(200)}' not found.`);
  });

  it('builds the duplicate errors', () => {
    expect(duplicateOrderError('order_number')).toEqual({
      code: 'VALIDATION_ERROR',
      message: 'order_number: An order with this order_number already exists.',
      details: { order_number: ['An order with this order_number already exists.'] },
    });
    expect(duplicateOrderError('external_order_id').message).toContain('external_order_id already exists');
  });
});
