import type { FieldErrors, InventoryBulkSummary, InventoryRowError } from '@datamingle/contracts';
import type { ParsedRow } from './validate-bulk-request';

/** Contractual per-row existence messages (inventory.md §2; no trailing period). */
export const InventoryRowMessages = {
  locationNotFound: 'Location not found',
  locationInactive: 'Location is inactive',
  productNotFound: 'Product not found',
  productInactive: 'Product is inactive',
} as const;

/**
 * The key of a (location code, SKU) pair. U+0000 separates the parts: valid API strings never
 * contain it, so distinct pairs always have distinct keys.
 */
export function pairKey(locationCode: string, sku: string): string {
  return `${locationCode}\u0000${sku}`;
}

export interface BulkLocationLookup {
  id: string;
  active: boolean;
}

export type BulkProductStatus = 'active' | 'inactive';

/** What the store holds before the request, for the well-formed identifiers of the rows. */
export interface BulkLookups {
  /** Location code → location; a code that is absent does not exist. */
  locations: ReadonlyMap<string, BulkLocationLookup>;
  /** SKU → status; a SKU that is absent does not exist. */
  products: ReadonlyMap<string, BulkProductStatus>;
  /** `pairKey(code, sku)` → stored record; a pair that is absent has no record. */
  existing: ReadonlyMap<string, { quantity: number }>;
}

/** One (location, SKU) pair whose final quantity differs from the quantity stored before the request. */
export interface InventoryChange {
  locationId: string;
  locationCode: string;
  sku: string;
  /** The final quantity (last valid row of the pair). */
  quantity: number;
  /** The quantity stored before the request; `null` when the record did not exist. */
  previousQuantity: number | null;
}

export interface BulkPlan {
  summary: InventoryBulkSummary;
  /** One entry per changed pair, in order of the pair's first valid row. */
  changes: InventoryChange[];
}

interface PairState {
  locationId: string;
  locationCode: string;
  sku: string;
  previousQuantity: number | null;
  exists: boolean;
  quantity: number;
}

function locationProblem(code: string | null, lookups: BulkLookups): string | undefined {
  if (code === null) return undefined;
  const location = lookups.locations.get(code);
  if (location === undefined) return InventoryRowMessages.locationNotFound;
  return location.active ? undefined : InventoryRowMessages.locationInactive;
}

function productProblem(sku: string | null, lookups: BulkLookups): string | undefined {
  if (sku === null) return undefined;
  const status = lookups.products.get(sku);
  if (status === undefined) return InventoryRowMessages.productNotFound;
  return status === 'active' ? undefined : InventoryRowMessages.productInactive;
}

/**
 * All problems of one row in the key order `location_id`, `product_id`, `quantity` (field errors
 * and existence errors never share a key: existence is checked only for well-formed identifiers),
 * or `null` when the row is valid.
 */
function rowErrors(p: ParsedRow, lookups: BulkLookups): FieldErrors | null {
  const fieldErrors: FieldErrors | undefined = p.ok ? undefined : p.errors;
  if (fieldErrors !== undefined && fieldErrors['non_field_errors'] !== undefined) return fieldErrors;
  const location = locationProblem(p.locationCode, lookups);
  const product = productProblem(p.sku, lookups);
  if (fieldErrors === undefined && location === undefined && product === undefined) return null;
  const errors: FieldErrors = {};
  const locationErrors = fieldErrors?.['location_id'] ?? (location === undefined ? undefined : [location]);
  const productErrors = fieldErrors?.['product_id'] ?? (product === undefined ? undefined : [product]);
  const quantityErrors = fieldErrors?.['quantity'];
  if (locationErrors !== undefined) errors['location_id'] = [...locationErrors];
  if (productErrors !== undefined) errors['product_id'] = [...productErrors];
  if (quantityErrors !== undefined) errors['quantity'] = [...quantityErrors];
  return errors;
}

/**
 * Plans a bulk set (inventory.md §2, steps 2–4): existence checks, then every valid row applied in
 * array order. A row on a pair that has a record at that moment (stored, or created by an earlier
 * row of the batch) counts `updated` — also when the quantity is equal — otherwise `created`.
 * `changes` lists each pair whose final quantity differs from the stored one (none for a pair that
 * ends where it started). Pure and linear in the number of rows.
 */
export function planBulkSet(parsed: readonly ParsedRow[], lookups: BulkLookups): BulkPlan {
  let created = 0;
  let updated = 0;
  const errors: InventoryRowError[] = [];
  const pairs = new Map<string, PairState>();
  const order: PairState[] = [];

  for (const p of parsed) {
    const problems = rowErrors(p, lookups);
    if (problems !== null || !p.ok) {
      errors.push({
        row: p.row,
        location_id: p.ok ? p.locationCode : p.location_id,
        product_id: p.ok ? p.sku : p.product_id,
        errors: problems ?? {},
      });
      continue;
    }
    const key = pairKey(p.locationCode, p.sku);
    let pair = pairs.get(key);
    if (pair === undefined) {
      const stored = lookups.existing.get(key);
      const location = lookups.locations.get(p.locationCode) as BulkLocationLookup;
      pair = {
        locationId: location.id,
        locationCode: p.locationCode,
        sku: p.sku,
        previousQuantity: stored === undefined ? null : stored.quantity,
        exists: stored !== undefined,
        quantity: stored === undefined ? p.quantity : stored.quantity,
      };
      pairs.set(key, pair);
      order.push(pair);
    }
    if (pair.exists) updated++;
    else {
      created++;
      pair.exists = true;
    }
    pair.quantity = p.quantity;
  }

  const changes: InventoryChange[] = [];
  for (const pair of order) {
    if (pair.quantity !== pair.previousQuantity) {
      changes.push({
        locationId: pair.locationId,
        locationCode: pair.locationCode,
        sku: pair.sku,
        quantity: pair.quantity,
        previousQuantity: pair.previousQuantity,
      });
    }
  }

  return {
    summary: { total: parsed.length, created, updated, failed: errors.length, errors },
    changes,
  };
}
