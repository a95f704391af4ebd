import { encodeCursor } from '@datamingle/kernel';
import { validateInventoryItemQuery, validateInventoryListQuery } from './inventory-query';

const ID = '5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b8c';
const CURSOR = encodeCursor({ c: '2026-04-15T16:30:00Z', i: ID });
const POSITION = { c: '2026-04-15T16:30:00.000000Z', i: ID };

describe('validateInventoryListQuery', () => {
  it('parses limit and cursor, ignoring other parameters', () => {
    expect(validateInventoryListQuery({})).toEqual({ ok: true, value: { limit: 50, cursor: null } });
    expect(validateInventoryListQuery({ limit: '3', by: 'bogus' })).toEqual({ ok: true, value: { limit: 3, cursor: null } });
    expect(validateInventoryListQuery({ limit: '0' })).toEqual({ ok: true, value: { limit: 1, cursor: null } });
    expect(validateInventoryListQuery({ limit: '201' })).toEqual({ ok: true, value: { limit: 200, cursor: null } });
    expect(validateInventoryListQuery({ limit: ' 5' })).toEqual({ ok: true, value: { limit: 50, cursor: null } });
    expect(validateInventoryListQuery({ cursor: CURSOR })).toEqual({ ok: true, value: { limit: 50, cursor: POSITION } });
  });

  it('rejects an invalid cursor with the exact message', () => {
    expect(validateInventoryListQuery({ cursor: 'not-a-cursor' })).toEqual({
      ok: false,
      error: { code: 'VALIDATION_ERROR', message: "Invalid cursor: 'not-a-cursor'", details: { cursor: ['Invalid cursor.'] } },
    });
  });
});

describe('validateInventoryItemQuery', () => {
  it('defaults by to location when absent or empty', () => {
    expect(validateInventoryItemQuery({})).toEqual({ ok: true, value: { by: 'location', limit: 50, cursor: null } });
    expect(validateInventoryItemQuery({ by: '' })).toEqual({ ok: true, value: { by: 'location', limit: 50, cursor: null } });
  });

  it('accepts location and sku with limit and cursor', () => {
    expect(validateInventoryItemQuery({ by: 'location', limit: '10' })).toEqual({ ok: true, value: { by: 'location', limit: 10, cursor: null } });
    expect(validateInventoryItemQuery({ by: 'sku', cursor: CURSOR, extra: 'x' })).toEqual({
      ok: true,
      value: { by: 'sku', limit: 50, cursor: POSITION },
    });
  });

  it.each(['foo', 'SKU', 'Location', ' sku', 'sku ', 'location,sku'])('rejects by=%p', (by) => {
    expect(validateInventoryItemQuery({ by })).toEqual({
      ok: false,
      error: {
        code: 'VALIDATION_ERROR',
        message: `by: "${by}" is not a valid choice.`,
        details: { by: [`"${by}" is not a valid choice.`] },
      },
    });
  });

  it('rejects an invalid cursor with the exact message', () => {
    expect(validateInventoryItemQuery({ by: 'sku', cursor: 'not-a-cursor' })).toEqual({
      ok: false,
      error: { code: 'VALIDATION_ERROR', message: "Invalid cursor: 'not-a-cursor'", details: { cursor: ['Invalid cursor.'] } },
    });
  });

  it('reports by and cursor together (document order), keeping the contractual cursor message', () => {
    const r = validateInventoryItemQuery({ cursor: 'x'.repeat(300), by: 'foo' });
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'VALIDATION_ERROR',
        message: `Invalid cursor: '${'x'.repeat(200)}'`,
        details: { by: ['"foo" is not a valid choice.'], cursor: ['Invalid cursor.'] },
      },
    });
    if (!r.ok) expect(Object.keys(r.error.details ?? {})).toEqual(['by', 'cursor']);
  });
});
