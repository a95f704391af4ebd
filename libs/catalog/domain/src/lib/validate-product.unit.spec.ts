import type { ProductDto } from '@datamingle/contracts';
import { toValidationError } from '@datamingle/kernel';
import { aProductDto, aProductInput } from '../testing-support/product-fixtures';
import { extractProductSku, validateCreateProduct, validateUpdateProduct } from './validate-product';

const current: ProductDto = aProductDto({ custom_fields: { color: 'blue' } });

describe('validateCreateProduct', () => {
  it('accepts the spec example (cost as a decimal string)', () => {
    expect(
      validateCreateProduct({
        sku: 'RUG-5X7-BLU',
        name: 'Wool rug 5x7, blue',
        quantity: 100,
        cost: '42.50',
        custom_fields: { color: 'blue', size: '5x7', collection: '2026 Spring' },
      }),
    ).toEqual({
      ok: true,
      value: aProductInput(),
    });
  });

  it('applies defaults', () => {
    expect(validateCreateProduct({ sku: 'A' })).toEqual({
      ok: true,
      value: { sku: 'A', name: null, quantity: 0, is_active: true, cost: null, custom_fields: {} },
    });
  });

  it('accepts explicit nulls on nullable fields; custom_fields null → {}', () => {
    expect(validateCreateProduct({ sku: 'A', name: null, cost: null, custom_fields: null })).toEqual({
      ok: true,
      value: { sku: 'A', name: null, quantity: 0, is_active: true, cost: null, custom_fields: {} },
    });
  });

  it('trims the sku, converts integer skus and ignores unknown / read-only fields', () => {
    expect(validateCreateProduct({ sku: '  A-1 ', id: 'x', created_at: 'y', extra: 1 })).toMatchObject({
      ok: true,
      value: { sku: 'A-1' },
    });
    expect(validateCreateProduct({ sku: 4512 })).toMatchObject({ ok: true, value: { sku: '4512' } });
  });

  it('accepts the boundaries', () => {
    expect(
      validateCreateProduct({ sku: 'x'.repeat(100), name: 'n'.repeat(255), quantity: 1e9, cost: '999999999999.9999' }),
    ).toMatchObject({ ok: true, value: { quantity: 1_000_000_000, cost: 999999999999.9999 } });
    expect(validateCreateProduct({ sku: 'A', quantity: 0, cost: 0 })).toMatchObject({ ok: true, value: { quantity: 0, cost: 0 } });
    expect(validateCreateProduct({ sku: 'A', quantity: 10.0 })).toMatchObject({ ok: true, value: { quantity: 10 } });
    expect(validateCreateProduct({ sku: 'A', quantity: 1e3 })).toMatchObject({ ok: true, value: { quantity: 1000 } });
  });

  it.each([
    ['sku', undefined, 'This field is required.'],
    ['sku', null, 'This field may not be null.'],
    ['sku', '', 'This field may not be blank.'],
    ['sku', '   ', 'This field may not be blank.'],
    ['sku', 'x'.repeat(101), 'Ensure this field has no more than 100 characters.'],
    ['sku', 1.5, 'Not a valid string.'],
    ['sku', 'A\u0000', 'Not a valid string.'],
    ['sku', '\ud800', 'Not a valid string.'],
    ['name', 'n'.repeat(256), 'Ensure this field has no more than 255 characters.'],
    ['name', false, 'Not a valid string.'],
    ['quantity', -1, 'Ensure this value is greater than or equal to 0.'],
    ['quantity', 1_000_000_001, 'Ensure this value is less than or equal to 1000000000.'],
    ['quantity', 1.5, 'A valid integer is required.'],
    ['quantity', '5', 'A valid integer is required.'],
    ['quantity', 2 ** 53 + 2, 'A valid integer is required.'],
    ['quantity', null, 'This field may not be null.'],
    ['is_active', 'true', 'Must be a valid boolean.'],
    ['is_active', 1, 'Must be a valid boolean.'],
    ['is_active', null, 'This field may not be null.'],
    ['cost', -0.5, 'Ensure this value is greater than or equal to 0.'],
    ['cost', '-1', 'Ensure this value is greater than or equal to 0.'],
    ['cost', 'abc', 'A valid number is required.'],
    ['cost', '1e3', 'A valid number is required.'],
    ['cost', true, 'A valid number is required.'],
    ['cost', '1.23456', 'Ensure that there are no more than 4 decimal places.'],
    ['cost', 1234567890123, 'Ensure that there are no more than 12 digits before the decimal point.'],
    ['custom_fields', [], 'Expected a JSON object.'],
    ['custom_fields', 'x', 'Expected a JSON object.'],
  ])('%s = %p → %s', (field, value, message) => {
    const body: Record<string, unknown> = { sku: 'A', [field]: value };
    if (value === undefined) delete body[field];
    expect(validateCreateProduct(body)).toEqual({ ok: false, error: { [field]: [message] } });
  });

  it('rejects custom_fields above 65,536 bytes', () => {
    const big = { k: 'x'.repeat(65537 - '{"k":""}'.length) };
    expect(validateCreateProduct({ sku: 'A', custom_fields: big })).toEqual({
      ok: false,
      error: { custom_fields: ['Ensure this object is no larger than 65536 bytes when serialized.'] },
    });
  });

  it('reports all errors in document order', () => {
    const r = validateCreateProduct({ custom_fields: 1, cost: 'x', is_active: 'no', quantity: -1, name: 5.5 });
    expect(r).toEqual({
      ok: false,
      error: {
        sku: ['This field is required.'],
        name: ['Not a valid string.'],
        quantity: ['Ensure this value is greater than or equal to 0.'],
        is_active: ['Must be a valid boolean.'],
        cost: ['A valid number is required.'],
        custom_fields: ['Expected a JSON object.'],
      },
    });
    if (!r.ok) expect(toValidationError(r.error).message).toBe('sku: This field is required. (and 5 more)');
  });
});

describe('extractProductSku', () => {
  it('returns the trimmed sku when valid', () => {
    expect(extractProductSku({ sku: ' A ' })).toBe('A');
    expect(extractProductSku({ sku: '  ' })).toBeUndefined();
    expect(extractProductSku({})).toBeUndefined();
  });
});

describe('validateUpdateProduct', () => {
  it('returns only present fields', () => {
    expect(validateUpdateProduct({ quantity: 120, custom_fields: { color: 'navy', size: '5x7' } }, current)).toEqual({
      ok: true,
      value: { quantity: 120, custom_fields: { color: 'navy', size: '5x7' } },
    });
    expect(validateUpdateProduct({}, current)).toEqual({ ok: true, value: {} });
  });

  it('clears nullable fields and resets custom_fields with null', () => {
    expect(validateUpdateProduct({ name: null, cost: null, custom_fields: null }, current)).toEqual({
      ok: true,
      value: { name: null, cost: null, custom_fields: {} },
    });
  });

  it('accepts the current sku after trimming', () => {
    expect(validateUpdateProduct({ sku: ' RUG-5X7-BLU ', is_active: false }, current)).toEqual({
      ok: true,
      value: { is_active: false },
    });
  });

  it('rejects a different sku', () => {
    expect(validateUpdateProduct({ sku: 'OTHER' }, current)).toEqual({ ok: false, error: { sku: ['This field cannot be changed.'] } });
    expect(validateUpdateProduct({ sku: 'rug-5x7-blu' }, current).ok).toBe(false);
    expect(validateUpdateProduct({ sku: '' }, current)).toEqual({ ok: false, error: { sku: ['This field may not be blank.'] } });
  });

  it('rejects nulls on non-nullable fields', () => {
    expect(validateUpdateProduct({ quantity: null, is_active: null }, current)).toEqual({
      ok: false,
      error: { quantity: ['This field may not be null.'], is_active: ['This field may not be null.'] },
    });
  });

  it('reports all errors in document order', () => {
    expect(validateUpdateProduct({ cost: '1.00001', sku: 'X', name: 'n'.repeat(256) }, current)).toEqual({
      ok: false,
      error: {
        sku: ['This field cannot be changed.'],
        name: ['Ensure this field has no more than 255 characters.'],
        cost: ['Ensure that there are no more than 4 decimal places.'],
      },
    });
  });
});
