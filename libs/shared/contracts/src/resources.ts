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
