import { encodeCursor } from '@datamingle/kernel';
import { duplicateLocationError, notFoundLocation } from './location-errors';
import { validateLocationListQuery } from './location-list-query';

const ID = '2d4e6f80-1a3c-4e5f-9b7d-0c2e4f6a8b0c';

describe('validateLocationListQuery', () => {
  it('defaults and clamps the limit', () => {
    expect(validateLocationListQuery({})).toEqual({ ok: true, value: { limit: 50, cursor: null } });
    expect(validateLocationListQuery({ limit: '100' })).toEqual({ ok: true, value: { limit: 100, cursor: null } });
    expect(validateLocationListQuery({ limit: '-3' })).toEqual({ ok: true, value: { limit: 1, cursor: null } });
    expect(validateLocationListQuery({ limit: '99999999999999999999' })).toEqual({ ok: true, value: { limit: 200, cursor: null } });
    expect(validateLocationListQuery({ limit: '1e2' })).toEqual({ ok: true, value: { limit: 50, cursor: null } });
    expect(validateLocationListQuery({ limit: '' })).toEqual({ ok: true, value: { limit: 50, cursor: null } });
  });

  it('ignores other parameters and treats an empty cursor as the first page', () => {
    expect(validateLocationListQuery({ by: 'x', status: 'y', cursor: '' })).toEqual({ ok: true, value: { limit: 50, cursor: null } });
  });

  it('decodes a cursor', () => {
    expect(validateLocationListQuery({ cursor: encodeCursor({ c: '2026-04-16T08:00:00Z', i: ID }) })).toEqual({
      ok: true,
      value: { limit: 50, cursor: { c: '2026-04-16T08:00:00.000000Z', i: ID } },
    });
  });

  it('rejects an invalid cursor with the exact message', () => {
    expect(validateLocationListQuery({ cursor: 'not-a-cursor' })).toEqual({
      ok: false,
      error: { code: 'VALIDATION_ERROR', message: "Invalid cursor: 'not-a-cursor'", details: { cursor: ['Invalid cursor.'] } },
    });
  });
});

describe('location errors', () => {
  it('builds the 409 duplicate error', () => {
    expect(duplicateLocationError()).toEqual({
      code: 'DUPLICATE',
      message: 'code: A location with this code already exists.',
      details: { code: ['A location with this code already exists.'] },
    });
  });

  it('builds the not-found error (identifier cut to 200 characters)', () => {
    expect(notFoundLocation('WH/SHELF-01')).toEqual({ code: 'NOT_FOUND', message: "Location 'WH/SHELF-01' not found." });
    expect(notFoundLocation('😀'.repeat(300)).message).toBe(`Location '${'😀'.repeat(200)}' not found.`);
  });
});
