/**
 * `Idempotency-Key` (history-feed-idempotency.md §3) on POST, PUT and DELETE: the request claims
 * its key right before the owning service would process it (after steps 1–15: a request the
 * gateway refuses before that is not processed, so nothing is stored for it), and settles the
 * claim with its response once produced:
 *
 * - first request with the key → processed; its status, body and `Location` stored (24 h);
 * - the same request again → the stored response, with `Idempotent-Replayed: true`;
 * - another request with the key (method, path or body) → `422 VALIDATION_ERROR`;
 * - the key's first request still in flight → `409 CONFLICT` with `Retry-After: 1`;
 * - a response `5xx`, `429` or `503` → nothing stored: the next request with the key is processed.
 *
 * Keys are scoped to the API key. Without the header, or without the store, nothing changes.
 */
import { createHash } from 'node:crypto';
import type { ApiError } from '@datamingle/contracts';
import { headerValue } from '../headers';
import type { RawResponse, StoredResponse } from '../types';
import type { AuthenticatedCaller, Outcome, RequestContext } from './context';
import { errorOutcome, reportUnexpected } from './outcomes';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const IDEMPOTENT_METHODS = new Set(['POST', 'PUT', 'DELETE']);
/** 1–255 printable ASCII characters (space to tilde). */
const VALID_KEY = /^[\x20-\x7e]{1,255}$/;
/**
 * Bodies up to this size are compared after JSON canonicalisation; a larger one (a bulk) by its
 * bytes, so that the gateway's event loop never parses a multi-megabyte body (a retry sends the
 * same bytes).
 */
export const CANONICAL_BODY_LIMIT = 1_048_576;

/** What the request's claim is, once claimed (settled by {@link settleIdempotency}). */
export interface IdempotencyClaimRef {
  apiKeyId: string;
  key: string;
  claimId: string;
}

/**
 * The request's `Idempotency-Key`, when its method takes one and the header is present:
 * `{ key }`, or `{ error }` (400) for a value that is not 1–255 printable ASCII characters.
 */
export function idempotencyKeyOf(ctx: RequestContext): { key: string } | { error: ApiError } | null {
  if (!IDEMPOTENT_METHODS.has(ctx.method)) return null;
  const raw = ctx.req.headers[IDEMPOTENCY_HEADER];
  if (raw === undefined) return null;
  const value = headerValue(ctx.req.headers, IDEMPOTENCY_HEADER);
  if (Array.isArray(raw) || value === undefined || !VALID_KEY.test(value)) {
    return {
      error: {
        code: 'VALIDATION_ERROR',
        message: 'Idempotency-Key must be 1 to 255 printable ASCII characters.',
        details: { 'Idempotency-Key': ['Must be 1 to 255 printable ASCII characters.'] },
      },
    };
  }
  return { key: value };
}

/**
 * The request as the key is bound to it: method, path and the body after JSON canonicalisation
 * (object keys sorted, no insignificant whitespace: RFC 8785 for the JSON a double carries), or
 * the body's bytes when it is not JSON or larger than {@link CANONICAL_BODY_LIMIT}. A SHA-256 hex.
 */
export function requestFingerprint(method: string, path: string, body: Uint8Array | undefined): string {
  const hash = createHash('sha256').update(`${method} ${path}\n`, 'utf8');
  const canonical = body === undefined || body.length === 0 ? '{}' : body.length <= CANONICAL_BODY_LIMIT ? canonicalJson(body) : null;
  if (canonical !== null) hash.update(`json:${canonical}`, 'utf8');
  else hash.update('bytes:', 'utf8').update(body!);
  return hash.digest('hex');
}

/** The canonical text of a JSON body, or null when the body is no JSON (or nests too deep to walk). */
export function canonicalJson(body: Uint8Array): string | null {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch {
    return null;
  }
  try {
    return canonical(value);
  } catch {
    // RangeError: nested deeper than the stack (the service answers such a body 400 anyway).
    return null;
  }
}

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
}

/**
 * Claims the request's key (the caller checked the header with {@link idempotencyKeyOf}). Null
 * when the request is to be processed (the claim is kept on `ctx` for settling); otherwise the
 * outcome to answer now: the replay, 422 or 409.
 */
export async function claimIdempotency(
  ctx: RequestContext,
  caller: AuthenticatedCaller,
  key: string,
  body: Uint8Array | undefined,
): Promise<Outcome | null> {
  const store = ctx.deps.idempotency;
  if (!store) return null;
  const claim = await store.claim(caller.key.id, key, requestFingerprint(ctx.method, ctx.path, body));
  switch (claim.state) {
    case 'claimed':
      ctx.idempotency = { apiKeyId: caller.key.id, key, claimId: claim.claimId };
      return null;
    case 'mismatch':
      // 422 with the VALIDATION_ERROR code, as the spec's table says (not the code's usual 400).
      return {
        ...errorOutcome(ctx, {
          code: 'VALIDATION_ERROR',
          message: 'Idempotency-Key was already used for a different request',
          details: { 'Idempotency-Key': ['Idempotency-Key was already used for a different request'] },
        }),
        status: 422,
      };
    case 'in_flight':
      return errorOutcome(ctx, { code: 'CONFLICT', message: 'A request with this Idempotency-Key is in progress' }, { 'Retry-After': '1' });
    case 'replay':
      return replayOutcome(ctx, claim.response);
  }
}

/**
 * The stored response again. An error body's `request_id` names the request answering it (it
 * repeats this response's `X-Request-ID`, errors.md), so it is the replay's own; the rest is as stored.
 */
function replayOutcome(ctx: RequestContext, stored: StoredResponse): Outcome {
  const headers = { ...stored.headers, 'Idempotent-Replayed': 'true' };
  if (stored.body === null) return { status: stored.status, headers };
  if (stored.status >= 400) {
    try {
      const body = JSON.parse(stored.body) as Record<string, unknown>;
      if (body && typeof body === 'object' && 'request_id' in body) return { status: stored.status, body: { ...body, request_id: ctx.requestId }, headers };
    } catch {
      // not JSON: sent as stored
    }
  }
  return { status: stored.status, text: stored.body, headers };
}

/** Response headers kept with a stored response (the rest are the replay's own: request id, limits). */
const KEPT_HEADERS = ['Location'];

/**
 * Settles the request's claim with its response: stored, or released for a `5xx`, `429` or `503`
 * (nothing stored; the next request with the key is processed). Awaited before the response is
 * sent, so that a retry after it finds the response. A store failure is reported, never thrown: the
 * claim then ends in flight until its lease expires.
 */
export async function settleIdempotency(ctx: RequestContext, response: RawResponse): Promise<void> {
  const claim = ctx.idempotency;
  const store = ctx.deps.idempotency;
  if (!claim || !store) return;
  try {
    if (response.status >= 500 || response.status === 429) {
      await store.release(claim.apiKeyId, claim.key, claim.claimId);
      return;
    }
    const headers: Record<string, string> = {};
    for (const h of KEPT_HEADERS) if (response.headers[h] !== undefined) headers[h] = response.headers[h]!;
    // HEAD never reaches here (not an idempotent method), so the body is the response's.
    await store.complete(claim.apiKeyId, claim.key, claim.claimId, { status: response.status, headers, body: response.body });
  } catch (error) {
    reportUnexpected(ctx, error);
  }
}
