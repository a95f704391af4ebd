import { createHash } from 'node:crypto';

/**
 * One stream per location, named after its code: creating it with expected revision
 * "no stream" keeps location codes unique per tenant, atomically, in every event-store adapter.
 */
export function locationStreamName(tenantId: string, code: string): string {
  const digest = createHash('sha256').update(code, 'utf8').digest('hex').slice(0, 40);
  return `location-${tenantId}-${digest}`;
}

/** The inventory levels of one location: one stream per location (aggregate id = the location's id). */
export function inventoryStreamName(tenantId: string, locationId: string): string {
  return `inventory-${tenantId}-${locationId}`;
}
