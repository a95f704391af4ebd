import type { InventorySource } from '@datamingle/contracts';
import type { InventoryChange } from './plan-bulk-set';

/** The quantity of one (location, SKU) pair changed (events.md). */
export interface InventoryLevelSet {
  type: 'InventoryLevelSet';
  data: {
    location_id: string;
    location_code: string;
    sku_code: string;
    quantity: number;
    /** `null` when the record was created by this request. */
    previous_quantity: number | null;
    source: InventorySource;
    notes: string | null;
  };
}

export type InventoryLevelEvent = InventoryLevelSet;

/** One `InventoryLevelSet` per changed pair, in the order of `changes`. */
export function inventoryLevelSetEvents(
  changes: readonly InventoryChange[],
  source: InventorySource,
  notes: string | null,
): InventoryLevelSet[] {
  return changes.map((c) => ({
    type: 'InventoryLevelSet',
    data: {
      location_id: c.locationId,
      location_code: c.locationCode,
      sku_code: c.sku,
      quantity: c.quantity,
      previous_quantity: c.previousQuantity,
      source,
      notes,
    },
  }));
}
