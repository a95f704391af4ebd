import { createHash } from 'node:crypto';

/**
 * One stream per order, named after its order_number: creating the stream with
 * expected revision "no stream" is what makes order_number unique per tenant, atomically,
 * in every event-store adapter.
 */
export function orderStreamName(tenantId: string, orderNumber: string): string {
  const digest = createHash('sha256').update(orderNumber, 'utf8').digest('hex').slice(0, 40);
  return `order-${tenantId}-${digest}`;
}
