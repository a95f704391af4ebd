import { OPENAPI_METHODS, actionForMethod, type IdentifierSegment, type RouteDefinition, type RouteMatch } from '../routes';
import { requiredScope, scopeAllows } from '../scopes';
import type { Action } from '../types';
import { gatewayErrors } from '../responses';
import type { AuthenticatedCaller, Outcome, RequestContext } from './context';
import { authLayerOutcome, errorOutcome, methodNotAllowed, optionsOutcome } from './outcomes';
import { emitSecurityEvent } from './steps-02-05-authentication';

/** A request that passed steps 8–10: its route, identifier segment and scope action. */
export interface Routed {
  route: RouteDefinition;
  identifier: IdentifierSegment | undefined;
  action: Action;
}

/**
 * Steps 8 (route exists), 9 (method allowed) and 10 (scope, the authorization layer), and the
 * `OPTIONS` answer, which does no other work. Returns the answer, or where the request goes.
 */
export function routeRequest(ctx: RequestContext, caller: AuthenticatedCaller, match: RouteMatch): Outcome | Routed {
  const { method } = ctx;

  // Step 8: route exists.
  if (match.type === 'unknown' || match.type === 'changes' || (match.type === 'openapi' && !ctx.deps.openApiDocument)) {
    return errorOutcome(ctx, gatewayErrors.routeNotFound());
  }
  if (match.type === 'openapi') {
    // Only OPTIONS and unsupported methods get here; the route has no resource and no scope.
    if (method === 'OPTIONS') return optionsOutcome(OPENAPI_METHODS);
    return methodNotAllowed(ctx, OPENAPI_METHODS);
  }
  const { route, identifier } = match;

  // Step 9: method allowed on the route.
  const action = actionForMethod(method);
  if (!route.methods.includes(method) || action === null) return methodNotAllowed(ctx, route.methods);

  // Step 10: scope.
  if (!scopeAllows(caller.key.scopes, route.resource, action)) {
    emitSecurityEvent(ctx, 'PERMISSION_DENIED', caller.key, caller.tenantSlug);
    // A security event, not an integration-log entry (integration-logs.md §1).
    if (ctx.log) ctx.log.skip = true;
    return authLayerOutcome('PERMISSION_DENIED', ctx, { required_scope: requiredScope(route.resource, action) });
  }

  // OPTIONS does no other work.
  if (method === 'OPTIONS') return optionsOutcome(route.methods);
  return { route, identifier, action };
}
