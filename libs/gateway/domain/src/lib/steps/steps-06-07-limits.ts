import { gatewayErrors } from '../responses';
import type { AuthenticatedCaller, Outcome, RequestContext } from './context';
import { errorOutcome } from './outcomes';

/**
 * Steps 6 (per-key rate limit) and 7 (per-key concurrency slot), limits-and-versioning.md §3–§4.
 * The shared state across gateway instances is the `KeyLimits` port's business; this file answers.
 *
 * - Step 6, only for a key with a rate limit: one token or `429 RATE_LIMITED` (no slot taken).
 *   Every response from here on carries `X-RateLimit-Limit` and `X-RateLimit-Remaining`
 *   (`ctx.limitHeaders`, added by `finalize`).
 * - Step 7: a slot, held until the response is produced (`ctx.releaseSlot`, called by the
 *   pipeline after `finalize`), or `503` with `Retry-After: 1` after 30 s in the key's queue or
 *   when 1,000 requests already wait.
 */
export async function applyKeyLimits(ctx: RequestContext, caller: AuthenticatedCaller): Promise<Outcome | null> {
  const limits = ctx.deps.limits;
  if (!limits) return null;
  const rate = caller.key.rateLimitPerSecond;
  if (rate !== null) {
    const decision = await limits.takeToken(caller.key.id, rate);
    if (!decision.allowed) {
      ctx.limitHeaders = { 'X-RateLimit-Limit': String(decision.limit), 'X-RateLimit-Remaining': '0' };
      const retryAfter = Math.max(1, Math.ceil(decision.retryAfterSeconds));
      return errorOutcome(ctx, gatewayErrors.rateLimited(decision.limit, retryAfter));
    }
    ctx.limitHeaders = { 'X-RateLimit-Limit': String(decision.limit), 'X-RateLimit-Remaining': String(Math.max(0, Math.floor(decision.remaining))) };
  }
  const slot = await limits.acquireSlot(caller.key.id);
  if (!slot.acquired) return errorOutcome(ctx, gatewayErrors.concurrencyQueue());
  ctx.releaseSlot = slot.release;
  return null;
}
