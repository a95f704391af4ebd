import type { AuthOutcome } from '../authenticate';
import type { KeyRecord, SecurityEvent } from '../types';
import type { Outcome, RequestContext } from './context';
import { authLayerOutcome, reportUnexpected } from './outcomes';

/**
 * Steps 2–5, the authentication layer (auth-and-keys.md §2): its failures use the combined
 * authentication body, are recorded as security events and are not written to the integration
 * logs. `authenticate` (../authenticate.ts) decides; this file answers and records.
 */
export function authenticationFailure(ctx: RequestContext, auth: Extract<AuthOutcome, { ok: false }>): Outcome {
  emitSecurityEvent(ctx, auth.code, auth.key, auth.tenantSlug);
  return authLayerOutcome(auth.code, ctx);
}

export function emitSecurityEvent(ctx: RequestContext, reason: SecurityEvent['reason'], key: KeyRecord | null, hostTenantSlug: string | null): void {
  if (!ctx.deps.onSecurityEvent) return;
  const event: SecurityEvent = {
    reason,
    requestId: ctx.requestId,
    keyId: key?.id ?? null,
    keyName: key?.name ?? null,
    tenantId: key?.tenantId ?? null,
    hostTenantSlug,
    method: ctx.method,
    path: ctx.path,
    clientIp: ctx.req.remoteAddress ?? null,
    occurredAt: ctx.deps.now(),
  };
  try {
    ctx.deps.onSecurityEvent(event);
  } catch (error) {
    // Recording must not change the answer the caller gets.
    reportUnexpected(ctx, error);
  }
}

export function notifyKeyAuthenticated(ctx: RequestContext, key: KeyRecord): void {
  try {
    ctx.deps.onKeyAuthenticated?.(key, ctx.requestId);
  } catch (error) {
    reportUnexpected(ctx, error);
  }
}
