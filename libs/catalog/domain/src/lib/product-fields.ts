import { bool, decimal, integer, jsonObject, str } from '@datamingle/kernel';

/** Limits of the product resource (products.md §1–2, limits-and-versioning.md §1). */
export const PRODUCT_LIMITS = {
  skuMax: 100,
  nameMax: 255,
  quantityMin: 0,
  quantityMax: 1_000_000_000,
  costMin: 0,
  costMaxIntegerDigits: 12,
  costMaxDecimalPlaces: 4,
  objectMaxBytes: 65536,
} as const;

/** Writable product fields other than `sku`, in document order (products.md §1). */
export const PRODUCT_MUTABLE_FIELDS = ['name', 'quantity', 'is_active', 'cost', 'custom_fields'] as const;
export type ProductMutableField = (typeof PRODUCT_MUTABLE_FIELDS)[number];

export const ProductFields = {
  sku: str({ required: true, trim: true, max: PRODUCT_LIMITS.skuMax }),
  name: str({ nullable: true, max: PRODUCT_LIMITS.nameMax }),
  quantity: integer({ min: PRODUCT_LIMITS.quantityMin, max: PRODUCT_LIMITS.quantityMax }),
  isActive: bool(),
  cost: decimal({
    nullable: true,
    min: PRODUCT_LIMITS.costMin,
    maxIntegerDigits: PRODUCT_LIMITS.costMaxIntegerDigits,
    maxDecimalPlaces: PRODUCT_LIMITS.costMaxDecimalPlaces,
  }),
  customFields: jsonObject({ nullAsEmpty: true, maxBytes: PRODUCT_LIMITS.objectMaxBytes }),
};
