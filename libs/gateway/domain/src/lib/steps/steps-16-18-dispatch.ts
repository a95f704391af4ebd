import { ERROR_STATUS, type ServiceReply, type ServiceRequest } from '@datamingle/contracts';
import { headerValue } from '../headers';
import { isValidTraceparent } from '../request-id';
import { successEnvelope } from '../responses';
import type { Operation } from '../types';
import type { AuthenticatedCaller, Outcome, RequestContext } from './context';
import { errorOutcome } from './outcomes';
import type { PartnerRequestFields } from './step-14-partner-mapping';

/**
 * Steps 15 (identifier resolution) to 18 (persist, build the response) happen in the owning
 * service; the gateway sends the request and maps the reply to the response.
 */
export async function dispatch(
  ctx: RequestContext,
  caller: AuthenticatedCaller,
  op: Operation,
  query: Record<string, string>,
  body: Record<string, unknown>,
  bodyUtf8?: Uint8Array,
  partner: PartnerRequestFields = {},
): Promise<Outcome> {
  const traceparent = headerValue(ctx.req.headers, 'traceparent')?.trim();
  const request: ServiceRequest = {
    tenantId: caller.key.tenantId,
    tenantSlug: caller.tenantSlug,
    requestId: ctx.requestId,
    apiKey: { id: caller.key.id, name: caller.key.name },
    ...(isValidTraceparent(traceparent) ? { traceparent } : {}),
    ...(op.identifier !== undefined ? { identifier: op.identifier } : {}),
    query,
    body,
    ...(bodyUtf8 !== undefined ? { bodyUtf8 } : {}),
    ...partner,
  };
  const reply = await ctx.deps.dispatch(op, request, caller.key.id);
  if (ctx.log) {
    ctx.log.reply = reply;
    ctx.log.mapped = partner.mapping !== undefined;
  }
  return replyOutcome(ctx, reply);
}

/** Maps a service's reply to a response; a reply that breaks the contract is an internal error. */
export function replyOutcome(ctx: RequestContext, reply: ServiceReply): Outcome {
  if (reply !== null && typeof reply === 'object') {
    if (reply.ok === true) {
      return { status: reply.status === 201 ? 201 : 200, body: successEnvelope(reply.data, reply.pagination) };
    }
    if (reply.ok === false && reply.error && Object.prototype.hasOwnProperty.call(ERROR_STATUS, reply.error.code)) {
      return errorOutcome(ctx, reply.error);
    }
  }
  throw new Error('The service reply does not follow the ServiceReply contract.');
}
