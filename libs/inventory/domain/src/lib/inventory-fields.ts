import { INVENTORY_SOURCES } from '@datamingle/contracts';
import { accept, choice, integer, list, str, type FieldParser } from '@datamingle/kernel';

/** Limits of the inventory bulk write (inventory.md §2, limits-and-versioning.md §1). */
export const INVENTORY_LIMITS = {
  rowsMin: 1,
  rowsMax: 50_000,
  codeMax: 100,
  quantityMin: 0,
  quantityMax: 1_000_000_000,
  notesMax: 5000,
} as const;

/** `source` when the body does not send one. */
export const DEFAULT_INVENTORY_SOURCE = 'bulk_import' as const;

/** Any JSON value: rows are validated one by one afterwards (row errors are never request errors). */
const anyRow: FieldParser<unknown> = (input: unknown) => accept(input);

export const InventoryFields = {
  /** The `inventory` list itself: required, a list, 1–50,000 elements; elements are not inspected. */
  inventory: list(anyRow, { required: true, min: INVENTORY_LIMITS.rowsMin, max: INVENTORY_LIMITS.rowsMax }),
  source: choice(INVENTORY_SOURCES),
  notes: str({ nullable: true, max: INVENTORY_LIMITS.notesMax }),
  /** `inventory[].location_code` (reported under `location_id`). */
  locationCode: str({ required: true, trim: true, max: INVENTORY_LIMITS.codeMax }),
  /** `inventory[].sku_code` (reported under `product_id`). */
  skuCode: str({ required: true, trim: true, max: INVENTORY_LIMITS.codeMax }),
  quantity: integer({ required: true, min: INVENTORY_LIMITS.quantityMin, max: INVENTORY_LIMITS.quantityMax }),
};
