import { createHash } from 'node:crypto';

/**
 * One stream per product, named after its SKU: creating it with expected revision
 * "no stream" is what keeps SKUs unique per tenant, atomically, in every event-store adapter.
 */
export function productStreamName(tenantId: string, sku: string): string {
  const digest = createHash('sha256').update(sku, 'utf8').digest('hex').slice(0, 40);
  return `product-${tenantId}-${digest}`;
}
