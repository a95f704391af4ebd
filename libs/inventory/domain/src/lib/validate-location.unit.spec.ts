import type { LocationDto } from '@datamingle/contracts';
import { toValidationError } from '@datamingle/kernel';
import { aLocationDto } from '../testing-support/location-fixtures';
import { extractLocationCode, validateCreateLocation, validateUpdateLocation } from './validate-location';

const current: LocationDto = aLocationDto();

describe('validateCreateLocation', () => {
  it('accepts the spec example and applies defaults', () => {
    expect(validateCreateLocation({ code: 'A-103', name: 'Aisle A, Shelf 103', zone: 'A', aisle: '1' })).toEqual({
      ok: true,
      value: { code: 'A-103', name: 'Aisle A, Shelf 103', zone: 'A', aisle: '1', metadata: {}, is_active: true },
    });
    expect(validateCreateLocation({ code: 'A' })).toEqual({
      ok: true,
      value: { code: 'A', name: null, zone: null, aisle: null, metadata: {}, is_active: true },
    });
  });

  it('accepts explicit nulls on nullable fields; metadata null → {}', () => {
    expect(validateCreateLocation({ code: 'A', name: null, zone: null, aisle: null, metadata: null, is_active: false })).toEqual({
      ok: true,
      value: { code: 'A', name: null, zone: null, aisle: null, metadata: {}, is_active: false },
    });
  });

  it('trims the code (keeping inner spaces and slashes), converts integer codes, ignores unknown / read-only fields', () => {
    expect(validateCreateLocation({ code: '  WH/SHELF 01 ', id: 'x', created_at: 'y', extra: 1 })).toMatchObject({
      ok: true,
      value: { code: 'WH/SHELF 01' },
    });
    expect(validateCreateLocation({ code: 4512 })).toMatchObject({ ok: true, value: { code: '4512' } });
  });

  it('stores other strings exactly as sent', () => {
    expect(validateCreateLocation({ code: 'A', name: '  n ', zone: ' z', aisle: '' })).toMatchObject({
      ok: true,
      value: { name: '  n ', zone: ' z', aisle: '' },
    });
  });

  it('accepts the boundaries', () => {
    expect(
      validateCreateLocation({ code: 'x'.repeat(100), name: 'n'.repeat(255), zone: 'z'.repeat(100), aisle: '😀'.repeat(100) }).ok,
    ).toBe(true);
    const atLimit = { k: 'x'.repeat(65536 - '{"k":""}'.length) };
    expect(validateCreateLocation({ code: 'A', metadata: atLimit }).ok).toBe(true);
  });

  it.each([
    ['code', undefined, 'This field is required.'],
    ['code', null, 'This field may not be null.'],
    ['code', '', 'This field may not be blank.'],
    ['code', ' \t ', 'This field may not be blank.'],
    ['code', 'x'.repeat(101), 'Ensure this field has no more than 100 characters.'],
    ['code', 1.5, 'Not a valid string.'],
    ['code', true, 'Not a valid string.'],
    ['code', 'A\u0000', 'Not a valid string.'],
    ['code', '\udc00', 'Not a valid string.'],
    ['name', 'n'.repeat(256), 'Ensure this field has no more than 255 characters.'],
    ['name', false, 'Not a valid string.'],
    ['zone', 'z'.repeat(101), 'Ensure this field has no more than 100 characters.'],
    ['zone', ['A'], 'Not a valid string.'],
    ['aisle', 'a'.repeat(101), 'Ensure this field has no more than 100 characters.'],
    ['aisle', { a: 1 }, 'Not a valid string.'],
    ['metadata', [], 'Expected a JSON object.'],
    ['metadata', 'x', 'Expected a JSON object.'],
    ['is_active', 'true', 'Must be a valid boolean.'],
    ['is_active', 1, 'Must be a valid boolean.'],
    ['is_active', null, 'This field may not be null.'],
  ])('%s = %p → %s', (field, value, message) => {
    const body: Record<string, unknown> = { code: 'A', [field]: value };
    if (value === undefined) delete body[field];
    expect(validateCreateLocation(body)).toEqual({ ok: false, error: { [field]: [message] } });
  });

  it('accepts integers for string fields', () => {
    expect(validateCreateLocation({ code: 'A', zone: 3, aisle: 12 })).toMatchObject({ ok: true, value: { zone: '3', aisle: '12' } });
  });

  it('rejects metadata above 65,536 bytes and invalid nested strings', () => {
    const big = { k: 'x'.repeat(65537 - '{"k":""}'.length) };
    expect(validateCreateLocation({ code: 'A', metadata: big })).toEqual({
      ok: false,
      error: { metadata: ['Ensure this object is no larger than 65536 bytes when serialized.'] },
    });
    expect(validateCreateLocation({ code: 'A', metadata: { note: 'x\u0000' } })).toEqual({
      ok: false,
      error: { 'metadata.note': ['Not a valid string.'] },
    });
  });

  it('reports all errors in document order', () => {
    const r = validateCreateLocation({ is_active: 'no', metadata: 1, aisle: 1.5, zone: 'z'.repeat(101), name: true });
    expect(r).toEqual({
      ok: false,
      error: {
        code: ['This field is required.'],
        name: ['Not a valid string.'],
        zone: ['Ensure this field has no more than 100 characters.'],
        aisle: ['Not a valid string.'],
        metadata: ['Expected a JSON object.'],
        is_active: ['Must be a valid boolean.'],
      },
    });
    if (!r.ok) {
      expect(Object.keys(r.error)).toEqual(['code', 'name', 'zone', 'aisle', 'metadata', 'is_active']);
      expect(toValidationError(r.error).message).toBe('code: This field is required. (and 5 more)');
    }
  });
});

describe('extractLocationCode', () => {
  it('returns the trimmed code when valid', () => {
    expect(extractLocationCode({ code: ' A-101 ' })).toBe('A-101');
    expect(extractLocationCode({ code: 7 })).toBe('7');
    expect(extractLocationCode({ code: '  ' })).toBeUndefined();
    expect(extractLocationCode({ code: 'x'.repeat(101) })).toBeUndefined();
    expect(extractLocationCode({})).toBeUndefined();
  });
});

describe('validateUpdateLocation', () => {
  it('returns only present fields', () => {
    expect(validateUpdateLocation({ name: 'Aisle A, Shelf 101 (Renovated)', zone: 'A2' }, current)).toEqual({
      ok: true,
      value: { name: 'Aisle A, Shelf 101 (Renovated)', zone: 'A2' },
    });
    expect(validateUpdateLocation({}, current)).toEqual({ ok: true, value: {} });
  });

  it('clears nullable fields and resets metadata with null', () => {
    expect(validateUpdateLocation({ name: null, zone: null, aisle: null, metadata: null }, current)).toEqual({
      ok: true,
      value: { name: null, zone: null, aisle: null, metadata: {} },
    });
  });

  it('passes a new metadata object through whole (it replaces the stored one)', () => {
    expect(validateUpdateLocation({ metadata: { humidity: 'low' } }, current)).toEqual({
      ok: true,
      value: { metadata: { humidity: 'low' } },
    });
  });

  it('accepts the current code after trimming', () => {
    expect(validateUpdateLocation({ code: ' A-101 ', is_active: false }, current)).toEqual({ ok: true, value: { is_active: false } });
  });

  it('rejects a different code (case-sensitive)', () => {
    expect(validateUpdateLocation({ code: 'A-102' }, current)).toEqual({ ok: false, error: { code: ['This field cannot be changed.'] } });
    expect(validateUpdateLocation({ code: 'a-101' }, current)).toEqual({ ok: false, error: { code: ['This field cannot be changed.'] } });
    expect(validateUpdateLocation({ code: '' }, current)).toEqual({ ok: false, error: { code: ['This field may not be blank.'] } });
    expect(validateUpdateLocation({ code: null }, current)).toEqual({ ok: false, error: { code: ['This field may not be null.'] } });
  });

  it('rejects null on is_active', () => {
    expect(validateUpdateLocation({ is_active: null }, current)).toEqual({ ok: false, error: { is_active: ['This field may not be null.'] } });
  });

  it('reports all errors in document order', () => {
    expect(validateUpdateLocation({ is_active: 0, metadata: [], code: 'X', name: 'n'.repeat(256) }, current)).toEqual({
      ok: false,
      error: {
        code: ['This field cannot be changed.'],
        name: ['Ensure this field has no more than 255 characters.'],
        metadata: ['Expected a JSON object.'],
        is_active: ['Must be a valid boolean.'],
      },
    });
  });
});
