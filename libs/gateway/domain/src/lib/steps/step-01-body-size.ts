import { gatewayErrors } from '../responses';
import type { BodyReadResult, PendingBody } from '../types';
import type { Outcome, RequestContext } from './context';
import { errorOutcome } from './outcomes';

/**
 * Step 1, body size. A declared `Content-Length` over the limit is answered by the pipeline before
 * anything else; a body of undeclared length is only known once read, which happens after the
 * authentication layer (steps 2–5 need only the headers) so that a caller without a valid key
 * never has its body held — and still before any later answer, so `413` keeps its place.
 */
/**
 * Reads (or only measures) a body the HTTP layer has not read yet, replacing `ctx.req.body` with
 * what was read. Returns the answer when the body cannot be used: over the limit (413), over the
 * gateway's byte budget (503, nothing read), or the client went away.
 */
export async function settleBody(ctx: RequestContext, mode: 'read' | 'measure'): Promise<Outcome | null> {
  const body = ctx.req.body;
  if (body === null || Buffer.isBuffer(body)) return null;
  const result: BodyReadResult = await (mode === 'read' ? (body as PendingBody).read() : (body as PendingBody).measure());
  switch (result.status) {
    case 'ok':
      ctx.req.body = result.body;
      return null;
    case 'too_large':
      return errorOutcome(ctx, gatewayErrors.payloadTooLarge());
    case 'over_budget':
      return errorOutcome(ctx, gatewayErrors.serviceUnavailable(result.retryAfterSeconds));
    case 'aborted':
      // Nobody reads this answer; the HTTP layer records it as a client abort.
      return errorOutcome(ctx, gatewayErrors.bodyIncomplete());
  }
}
