import { gatewayErrors } from '../responses';
import type { IdentifierSegment, RouteDefinition } from '../routes';
import type { Outcome, RequestContext } from './context';
import { errorOutcome } from './outcomes';

/**
 * The 404 of step 15 for an identifier segment that cannot be decoded, echoing the segment as
 * received. Inventory items name a location, or a product with `?by=sku`; an invalid `by` is a
 * step-11 error and wins.
 */
export function undecodableIdentifier(
  ctx: RequestContext,
  route: RouteDefinition,
  identifier: IdentifierSegment,
  query: Record<string, string>,
): Outcome {
  if (route.resource !== 'inventory') return errorOutcome(ctx, gatewayErrors.recordNotFound(route.resource, identifier.raw));
  const by = query['by'] ?? '';
  if (by === '' || by === 'location') return errorOutcome(ctx, gatewayErrors.recordNotFound('locations', identifier.raw));
  if (by === 'sku') return errorOutcome(ctx, gatewayErrors.recordNotFound('products', identifier.raw));
  return errorOutcome(ctx, gatewayErrors.invalidChoice('by', by));
}
