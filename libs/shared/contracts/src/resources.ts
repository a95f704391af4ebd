/** API representations (internal field names), as returned in `data`. */
export interface OrderLineDto {
  id: string;
  sku: { sku: string };
  quantity: number;
  verified_quantity: number;
  verification_status: 'pending' | 'partial' | 'verified';
  notes: string | null;
}

export type OrderStatus = 'pending' | 'in_progress' | 'verified' | 'shipped' | 'cancelled';
export const ORDER_STATUSES: readonly OrderStatus[] = ['pending', 'in_progress', 'verified', 'shipped', 'cancelled'];

export interface OrderDto {
  id: string;
  order_number: string;
  external_order_id: string | null;
  customer_name: string | null;
  customer_info: Record<string, unknown>;
  notes: string | null;
  order_date: string | null;
  due_date: string | null;
  metadata: Record<string, unknown>;
  status: OrderStatus;
  cancellation_reason: string | null;
  items: OrderLineDto[];
  created_at: string;
  updated_at: string;
}

export interface ProductDto {
  id: string;
  sku: string;
  name: string | null;
  quantity: number;
  is_active: boolean;
  cost: number | null;
  custom_fields: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export interface LocationDto {
  id: string;
  code: string;
  name: string | null;
  zone: string | null;
  aisle: string | null;
  metadata: Record<string, unknown>;
  is_active: boolean;
  created_at: string;
  updated_at: string;
}

/** An inventory record (inventory.md §1). */
export interface InventoryRecordDto {
  location_code: string;
  sku_code: string;
  quantity: number;
  updated_at: string;
}

export const INVENTORY_SOURCES = ['bulk_import', 'manual_adjustment', 'erp_sync', 'initial_load'] as const;
export type InventorySource = (typeof INVENTORY_SOURCES)[number];

/** One rejected row of a bulk inventory request (inventory.md §2, fixed keys). */
export interface InventoryRowError {
  row: number;
  location_id: string | null;
  product_id: string | null;
  errors: Record<string, string[]>;
}

export interface InventoryBulkSummary {
  total: number;
  created: number;
  updated: number;
  failed: number;
  errors: InventoryRowError[];
}
