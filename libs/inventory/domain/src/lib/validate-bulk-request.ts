import type { FieldErrors, InventorySource } from '@datamingle/contracts';
import { FieldErrorCollector, hasOwn, isJsonObject, Messages, toApiString, type Parsed, type Result } from '@datamingle/kernel';
import { DEFAULT_INVENTORY_SOURCE, InventoryFields } from './inventory-fields';

/** A `POST /inventory/` body that passed whole-request validation. */
export interface BulkRequest {
  /** The raw rows, validated one by one with `parseBulkRows`. */
  rows: unknown[];
  source: InventorySource;
  notes: string | null;
}

/**
 * Whole-request validation of `POST /inventory/` (inventory.md §2, processing step 1), errors in
 * document order (`inventory`, `source`, `notes`). Rows are not inspected here.
 */
export function validateBulkRequest(body: Record<string, unknown>): Result<BulkRequest, FieldErrors> {
  const c = new FieldErrorCollector();
  const rows = c.field(body, 'inventory', InventoryFields.inventory);
  const source = c.field(body, 'source', InventoryFields.source);
  const notes = c.field(body, 'notes', InventoryFields.notes);
  return c.finish(() => ({ rows, source: source ?? DEFAULT_INVENTORY_SOURCE, notes: notes ?? null }));
}

/** A row whose fields are all well-formed (existence is checked by `planBulkSet`). */
export interface WellFormedBulkRow {
  row: number;
  ok: true;
  /** Trimmed `location_code`. */
  locationCode: string;
  /** Trimmed `sku_code`. */
  sku: string;
  quantity: number;
}

/** A row with field-level problems. */
export interface MalformedBulkRow {
  row: number;
  ok: false;
  /** For the error entry: the submitted `location_code` converted by the string rules and trimmed, or `null`. */
  location_id: string | null;
  /** For the error entry: the submitted `sku_code` converted and trimmed, or `null`. */
  product_id: string | null;
  /** The well-formed `location_code` (still subject to the existence checks), or `null`. */
  locationCode: string | null;
  /** The well-formed `sku_code` (still subject to the existence checks), or `null`. */
  sku: string | null;
  /** Field errors, keys in the order `location_id`, `product_id`, `quantity` (or only `non_field_errors`). */
  errors: FieldErrors;
}

export type ParsedRow = WellFormedBulkRow | MalformedBulkRow;

/** The submitted identifier as echoed in a row error: converted by the string rules and trimmed, or `null`. */
export function echoIdentifier(raw: unknown): string | null {
  if (raw === undefined) return null;
  const s = toApiString(raw);
  return s === null ? null : s.trim();
}

function messages(parsed: Parsed<unknown>): string[] {
  return parsed.ok ? [] : parsed.issues.map((i) => i.message);
}

/** Field validation of one row (inventory.md §2, processing step 2, without existence checks). */
export function parseBulkRow(value: unknown, row: number): ParsedRow {
  if (!isJsonObject(value)) {
    return {
      row,
      ok: false,
      location_id: null,
      product_id: null,
      locationCode: null,
      sku: null,
      errors: { non_field_errors: [Messages.invalidObject] },
    };
  }
  const rawLocation = hasOwn(value, 'location_code') ? value['location_code'] : undefined;
  const rawSku = hasOwn(value, 'sku_code') ? value['sku_code'] : undefined;
  const rawQuantity = hasOwn(value, 'quantity') ? value['quantity'] : undefined;
  const location = InventoryFields.locationCode(rawLocation);
  const sku = InventoryFields.skuCode(rawSku);
  const quantity = InventoryFields.quantity(rawQuantity);
  if (location.ok && sku.ok && quantity.ok) {
    return { row, ok: true, locationCode: location.value, sku: sku.value, quantity: quantity.value };
  }
  const errors: FieldErrors = {};
  if (!location.ok) errors['location_id'] = messages(location);
  if (!sku.ok) errors['product_id'] = messages(sku);
  if (!quantity.ok) errors['quantity'] = messages(quantity);
  return {
    row,
    ok: false,
    location_id: echoIdentifier(rawLocation),
    product_id: echoIdentifier(rawSku),
    locationCode: location.ok ? location.value : null,
    sku: sku.ok ? sku.value : null,
    errors,
  };
}

/** Field validation of every row, in array order (`row` = zero-based index). */
export function parseBulkRows(rows: readonly unknown[]): ParsedRow[] {
  const out: ParsedRow[] = new Array<ParsedRow>(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = parseBulkRow(rows[i], i);
  return out;
}

/**
 * The distinct well-formed location codes and SKUs of the rows (in order of first appearance),
 * i.e. what must be looked up before `planBulkSet`.
 */
export function bulkIdentifiers(parsed: readonly ParsedRow[]): { locationCodes: string[]; skus: string[] } {
  const locationCodes = new Set<string>();
  const skus = new Set<string>();
  for (const p of parsed) {
    if (p.locationCode !== null) locationCodes.add(p.locationCode);
    if (p.sku !== null) skus.add(p.sku);
  }
  return { locationCodes: [...locationCodes], skus: [...skus] };
}
