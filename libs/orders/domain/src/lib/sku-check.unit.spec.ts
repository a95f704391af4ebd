import { distinctSkus, skuCheckError } from './sku-check';

describe('skuCheckError', () => {
  it('returns null when every SKU is active', () => {
    expect(skuCheckError([{ sku_code: 'A' }, { sku_code: 'B' }], new Set(['A', 'B', 'C']))).toBeNull();
  });

  it('matches the errors.md §6.2 example', () => {
    expect(skuCheckError([{ sku_code: 'RUG-5X7-BLU' }, { sku_code: 'RUG-9X12-GRN' }], new Set(['RUG-5X7-BLU']))).toEqual({
      code: 'SERVICE_ERROR',
      message: 'Products not found or inactive: RUG-9X12-GRN',
      details: { 'items[1].sku_code': ["Product 'RUG-9X12-GRN' does not exist or is inactive."] },
    });
  });

  it('names distinct SKUs in order of first appearance and reports every offending line', () => {
    const e = skuCheckError(
      [{ sku_code: 'B' }, { sku_code: 'OK' }, { sku_code: 'A' }, { sku_code: 'B' }],
      new Set(['OK']),
    );
    expect(e?.message).toBe('Products not found or inactive: B, A');
    expect(e?.details).toEqual({
      'items[0].sku_code': ["Product 'B' does not exist or is inactive."],
      'items[2].sku_code': ["Product 'A' does not exist or is inactive."],
      'items[3].sku_code': ["Product 'B' does not exist or is inactive."],
    });
    expect(Object.keys(e?.details ?? {})).toEqual(['items[0].sku_code', 'items[2].sku_code', 'items[3].sku_code']);
  });

  it('matches SKUs case-sensitively', () => {
    expect(skuCheckError([{ sku_code: 'a' }], new Set(['A']))?.message).toBe('Products not found or inactive: a');
  });
});

describe('distinctSkus', () => {
  it('keeps first appearance order', () => {
    expect(distinctSkus([{ sku_code: 'B' }, { sku_code: 'A' }, { sku_code: 'B' }])).toEqual(['B', 'A']);
  });
});
