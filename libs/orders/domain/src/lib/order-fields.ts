import { datetime, integer, jsonObject, list, shape, str } from '@datamingle/kernel';

/** Limits of the order resource (orders.md §1–2, limits-and-versioning.md §1). */
export const ORDER_LIMITS = {
  identifierMax: 100,
  customerNameMax: 255,
  notesMax: 5000,
  reasonMax: 500,
  objectMaxBytes: 65536,
  itemsMin: 1,
  itemsMax: 1000,
  quantityMin: 1,
  quantityMax: 1_000_000,
} as const;

/** Header fields a `PUT` may change, in document order (orders.md §1.1). */
export const ORDER_HEADER_FIELDS = [
  'external_order_id',
  'customer_name',
  'customer_info',
  'notes',
  'order_date',
  'due_date',
  'metadata',
] as const;
export type OrderHeaderField = (typeof ORDER_HEADER_FIELDS)[number];

/** Field parsers shared by create and update. */
export const OrderFields = {
  orderNumber: str({ required: true, trim: true, max: ORDER_LIMITS.identifierMax }),
  externalOrderId: str({ trim: true, allowBlankAsNull: true, nullable: true, max: ORDER_LIMITS.identifierMax }),
  customerName: str({ nullable: true, max: ORDER_LIMITS.customerNameMax }),
  customerInfo: jsonObject({ nullAsEmpty: true, maxBytes: ORDER_LIMITS.objectMaxBytes }),
  notes: str({ nullable: true, max: ORDER_LIMITS.notesMax }),
  orderDate: datetime({ nullable: true }),
  dueDate: datetime({ nullable: true }),
  metadata: jsonObject({ nullAsEmpty: true, maxBytes: ORDER_LIMITS.objectMaxBytes }),
  items: list(
    shape(
      {
        sku_code: str({ required: true, trim: true, max: ORDER_LIMITS.identifierMax }),
        quantity: integer({ required: true, min: ORDER_LIMITS.quantityMin, max: ORDER_LIMITS.quantityMax }),
        notes: str({ nullable: true, max: ORDER_LIMITS.notesMax }),
      },
      { required: true },
    ),
    { required: true, min: ORDER_LIMITS.itemsMin, max: ORDER_LIMITS.itemsMax },
  ),
  reason: str({ nullable: true, max: ORDER_LIMITS.reasonMax }),
};
