import type { FieldErrors, ProductDto } from '@datamingle/contracts';
import { FieldErrorCollector, hasOwn, Messages, type Result } from '@datamingle/kernel';
import { ProductFields, type ProductMutableField } from './product-fields';

/** A validated create body with defaults applied. */
export interface CreateProductInput {
  sku: string;
  name: string | null;
  quantity: number;
  is_active: boolean;
  cost: number | null;
  custom_fields: Record<string, unknown>;
}

/** The fields present in a valid `PUT` body (absent fields are left out; `sku` never included). */
export type UpdateProductInput = Partial<Pick<ProductDto, ProductMutableField>>;

/** The trimmed `sku` of a create body when it is valid (for the uniqueness check). */
export function extractProductSku(body: Record<string, unknown>): string | undefined {
  const r = ProductFields.sku(hasOwn(body, 'sku') ? body['sku'] : undefined);
  return r.ok ? r.value : undefined;
}

/**
 * Field validation of `POST /products/` (products.md §2), all errors in document order.
 * SKU uniqueness is a business rule checked afterwards (`duplicateSkuError()`, 409).
 */
export function validateCreateProduct(body: Record<string, unknown>): Result<CreateProductInput, FieldErrors> {
  const c = new FieldErrorCollector();
  const sku = c.field(body, 'sku', ProductFields.sku);
  const name = c.field(body, 'name', ProductFields.name);
  const quantity = c.field(body, 'quantity', ProductFields.quantity);
  const isActive = c.field(body, 'is_active', ProductFields.isActive);
  const cost = c.field(body, 'cost', ProductFields.cost);
  const customFields = c.field(body, 'custom_fields', ProductFields.customFields);
  return c.finish(() => ({
    sku,
    name: name ?? null,
    quantity: quantity ?? 0,
    is_active: isActive ?? true,
    cost: cost ?? null,
    custom_fields: customFields ?? {},
  }));
}

/**
 * Field validation of `PUT /products/{identifier}/` (products.md §5): partial update; `sku`
 * must equal the current value after trimming (`This field cannot be changed.`);
 * `custom_fields` replaces the whole object (`null` → `{}`).
 */
export function validateUpdateProduct(
  body: Record<string, unknown>,
  current: ProductDto,
): Result<UpdateProductInput, FieldErrors> {
  const c = new FieldErrorCollector();
  if (hasOwn(body, 'sku')) {
    const sku = c.field(body, 'sku', ProductFields.sku);
    if (!c.has('sku') && sku !== current.sku) c.add('sku', Messages.immutable);
  }
  const name = c.field(body, 'name', ProductFields.name);
  const quantity = c.field(body, 'quantity', ProductFields.quantity);
  const isActive = c.field(body, 'is_active', ProductFields.isActive);
  const cost = c.field(body, 'cost', ProductFields.cost);
  const customFields = c.field(body, 'custom_fields', ProductFields.customFields);
  return c.finish(() => {
    const input: UpdateProductInput = {};
    if (name !== undefined) input.name = name;
    if (quantity !== undefined) input.quantity = quantity;
    if (isActive !== undefined) input.is_active = isActive;
    if (cost !== undefined) input.cost = cost;
    if (customFields !== undefined) input.custom_fields = customFields;
    return input;
  });
}
