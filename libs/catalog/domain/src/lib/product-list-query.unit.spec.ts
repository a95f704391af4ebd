import { encodeCursor } from '@datamingle/kernel';
import { duplicateSkuError, notFoundProduct } from './product-errors';
import { validateProductListQuery } from './product-list-query';

const ID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

describe('validateProductListQuery', () => {
  it('defaults and clamps the limit', () => {
    expect(validateProductListQuery({})).toEqual({ ok: true, value: { limit: 50, cursor: null } });
    expect(validateProductListQuery({ limit: '0' })).toEqual({ ok: true, value: { limit: 1, cursor: null } });
    expect(validateProductListQuery({ limit: '500' })).toEqual({ ok: true, value: { limit: 200, cursor: null } });
    expect(validateProductListQuery({ limit: 'abc' })).toEqual({ ok: true, value: { limit: 50, cursor: null } });
  });

  it('ignores other parameters', () => {
    expect(validateProductListQuery({ status: 'bogus', updated_since: 'x' })).toEqual({ ok: true, value: { limit: 50, cursor: null } });
  });

  it('decodes a cursor', () => {
    expect(validateProductListQuery({ cursor: encodeCursor({ c: '2026-04-16T09:00:00Z', i: ID }) })).toEqual({
      ok: true,
      value: { limit: 50, cursor: { c: '2026-04-16T09:00:00.000000Z', i: ID } },
    });
  });

  it('rejects an invalid cursor with the exact message', () => {
    expect(validateProductListQuery({ cursor: 'not-a-cursor' })).toEqual({
      ok: false,
      error: { code: 'VALIDATION_ERROR', message: "Invalid cursor: 'not-a-cursor'", details: { cursor: ['Invalid cursor.'] } },
    });
  });
});

describe('product errors', () => {
  it('builds the 409 duplicate error', () => {
    expect(duplicateSkuError()).toEqual({
      code: 'DUPLICATE',
      message: 'sku: A product with this sku already exists.',
      details: { sku: ['A product with this sku already exists.'] },
    });
  });

  it('builds the not-found error', () => {
    expect(notFoundProduct('RUG-1')).toEqual({ code: 'NOT_FOUND', message: "Product 'RUG-1' not found." });
    expect(notFoundProduct('😀'.repeat(300)).message).toBe(`Product '${'😀'.repeat(200)}' not found.`);
  });
});
