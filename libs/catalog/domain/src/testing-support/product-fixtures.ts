/**
 * Product fixtures for the catalog specs: the example product of products.md as validated input
 * and as the created product. Each builder returns a fresh object; `overrides` replace whole
 * top-level fields. Test support only (excluded from the lib build).
 */
import type { ProductDto } from '@datamingle/contracts';
import type { CreateProductInput } from '../lib/validate-product';

export const PRODUCT_ID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
/** When the example product was created. */
export const PRODUCT_CREATED_AT = '2026-04-16T09:00:00Z';

/** The example create body once validated. */
export const aProductInput = (overrides: Partial<CreateProductInput> = {}): CreateProductInput => ({
  sku: 'RUG-5X7-BLU',
  name: 'Wool rug 5x7, blue',
  quantity: 100,
  is_active: true,
  cost: 42.5,
  custom_fields: { color: 'blue', size: '5x7', collection: '2026 Spring' },
  ...overrides,
});

/** The product created from that input (PRODUCT_ID, at PRODUCT_CREATED_AT). */
export const aProductDto = (overrides: Partial<ProductDto> = {}): ProductDto => ({
  id: PRODUCT_ID,
  ...aProductInput(),
  created_at: PRODUCT_CREATED_AT,
  updated_at: PRODUCT_CREATED_AT,
  ...overrides,
});
