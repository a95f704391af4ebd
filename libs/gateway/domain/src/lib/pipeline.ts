import type { ApiError } from '@datamingle/contracts';
import { authenticate } from './authenticate';
import { headerValue } from './headers';
import { parseQuery } from './query';
import { resolveRequestId } from './request-id';
import { gatewayErrors, serializeJson } from './responses';
import { isIntegrationPath, matchRoute, operationFor, splitRawUrl, type RouteMatch } from './routes';
import { ServiceTimeoutError, ServiceUnavailableError } from './service-errors';
import { BODYLESS_METHODS, type AuthenticatedCaller, type Outcome, type RequestContext } from './steps/context';
import { errorOutcome, finalize, methodNotAllowed, thrownOutcome } from './steps/outcomes';
import { settleBody } from './steps/step-01-body-size';
import { authenticationFailure, notifyKeyAuthenticated } from './steps/steps-02-05-authentication';
import { routeRequest } from './steps/steps-08-10-routing';
import { readBody } from './steps/steps-12-13-body';
import { claimIdempotency, idempotencyKeyOf, settleIdempotency } from './steps/idempotency';
import { recordIntegrationLog, startIntegrationLog } from './steps/integration-log';
import { applyKeyLimits } from './steps/steps-06-07-limits';
import { mappingErrorBeforeStep15, partnerRequestFields } from './steps/step-14-partner-mapping';
import { undecodableIdentifier } from './steps/step-15-identifier';
import { dispatch } from './steps/steps-16-18-dispatch';
import { handleChanges } from './steps/changes';
import type { PipelineDeps, RawRequest, RawResponse } from './types';

export type { ActiveMappingRef, BodyReadResult, ChangeFeedPort, FeedEvent, IdempotencyClaim, IdempotencyStore, KeyPartner, KeyRecord, Operation, PendingBody, PipelineDeps, RawRequest, RawResponse, SecurityEvent, StoredResponse } from './types';
export { ServiceTimeoutError, ServiceUnavailableError, isIntegrationPath };

/**
 * Runs one integration-API request through the processing order of conventions.md §5 and
 * returns the complete response. Never throws.
 *
 * The steps, in order (a step answers with the first failure; `steps/` holds one file per step):
 *
 * | Step | What | Where |
 * |---|---|---|
 * | 0 | request ID | here |
 * | 1 | body size (413): declared length here; undeclared length once read, after 2–5 | steps/step-01-body-size.ts |
 * | 2–5 | authentication layer (403/401/401/403) | authenticate.ts, steps/steps-02-05-authentication.ts |
 * | 6 | per-key rate limit (429), `X-RateLimit-*` from here on | steps/steps-06-07-limits.ts (state: the `limits` port) |
 * | 7 | per-key concurrency slot (503), held until the response | steps/steps-06-07-limits.ts |
 * | 8–10 | route, method, scope (404/405/403) | steps/steps-08-10-routing.ts |
 * | 11 | query parameters | query.ts; the services validate the ones they define |
 * | 12–13 | media type (415), body text; JSON well-formed (400) in the service | steps/steps-12-13-body.ts |
 * | 14 | forward field mapping for partner keys (422): the active mapping and identifier field are resolved here, the mapping runs where the body is parsed (the owning service, docs/architecture.md) | steps/step-14-partner-mapping.ts; platform's partner-mapping.ts |
 * | 15 | identifier resolves (404): undecodable segments here, the rest in the service | steps/step-15-identifier.ts |
 * | 16–18 | validation, business rules, persist, response | the owning service; steps/steps-16-18-dispatch.ts sends and maps the reply |
 * | 18 | reverse field mapping of records and error paths for partner keys | the owning service (platform's partner-mapping.ts) |
 * | 8–18 | the change feed `changes/`: its own route, method, scope (every named resource) and query steps, events from the `changeFeed` port, current records from the owning services | steps/changes.ts |
 * | — | `Idempotency-Key` of a POST, PUT or DELETE: claimed before 15–18 (replay, 422, 409), settled with the response | steps/idempotency.ts (store: the `idempotency` port) |
 * | log | one integration-log entry for every request past step 5 not refused at step 10 | steps/integration-log.ts (store: the `integrationLog` port) |
 */
export async function handleIntegrationRequest(req: RawRequest, deps: PipelineDeps): Promise<RawResponse> {
  // Step 0: request ID.
  const requestId = resolveRequestId(headerValue(req.headers, 'x-request-id'), () => deps.newRequestId());
  const { path, query } = splitRawUrl(req.rawUrl);
  const ctx: RequestContext = { req, deps, requestId, method: req.method, path, rawQuery: query, receivedAt: deps.now() };
  let outcome: Outcome;
  try {
    outcome = await processRequest(ctx);
  } catch (error) {
    outcome = thrownOutcome(error, ctx);
  }
  let response: RawResponse;
  try {
    response = finalize(outcome, ctx);
    // Stored (or released) before the response leaves, so that a retry after it finds it.
    await settleIdempotency(ctx, response);
  } finally {
    // Step 7's slot is held until the response is produced.
    ctx.releaseSlot?.();
  }
  if (ctx.log) recordIntegrationLog(ctx, response, errorOf(outcome));
  return response;
}

function errorOf(outcome: Outcome): ApiError | undefined {
  const body = outcome.body as { error?: ApiError } | undefined;
  return body && typeof body === 'object' && body.error ? body.error : undefined;
}

async function processRequest(ctx: RequestContext): Promise<Outcome> {
  // Step 1: body size, when the declared Content-Length tells it (nothing was read).
  if (ctx.req.bodyTooLarge) return errorOutcome(ctx, gatewayErrors.payloadTooLarge());

  const match = matchRoute(ctx.path);
  // The OpenAPI document skips steps 2–10 (GET, and HEAD which behaves like GET).
  if (match.type === 'openapi' && ctx.deps.openApiDocument && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
    const size = await settleBody(ctx, 'measure');
    if (size) return size;
    const document = ctx.deps.openApiDocument();
    return { status: 200, text: typeof document === 'string' ? document : serializeJson(document) };
  }

  // Steps 2–5: authentication layer. It needs only the headers, so it runs before the body is
  // read: a caller without a valid key never has a body held in memory.
  const auth = await authenticate({ apiKey: ctx.req.headers['x-api-key'], host: headerValue(ctx.req.headers, 'host') }, ctx.deps);

  // Step 1 for a body whose length was not declared (chunked), before any later answer: an
  // authenticated caller's body is read (under the byte budget) when its method carries one; any
  // other body is only measured, never kept.
  const size = await settleBody(ctx, auth.ok && !BODYLESS_METHODS.has(ctx.method) ? 'read' : 'measure');
  if (size) return size;

  // A switched-off tenant still means the key itself authenticated (auth-and-keys.md §2 steps 1–3).
  const authenticatedKey = auth.ok || auth.code === 'INTEGRATION_DISABLED' ? auth.key : null;
  if (authenticatedKey) notifyKeyAuthenticated(ctx, authenticatedKey);
  if (!auth.ok) return authenticationFailure(ctx, auth);
  const caller: AuthenticatedCaller = { key: auth.key, tenantSlug: auth.tenantSlug };

  // From here on every response is written to the integration log (unless step 10 refuses it).
  startIntegrationLog(ctx, caller, match);
  // Steps 6–7: per-key rate limit, then a concurrency slot held until the response is produced.
  const limited = await applyKeyLimits(ctx, caller);
  if (limited) return limited;
  return routeAndHandle(ctx, caller, match);
}

/** Steps 8 onwards, for an authenticated caller. */
async function routeAndHandle(ctx: RequestContext, caller: AuthenticatedCaller, match: RouteMatch): Promise<Outcome> {
  // The change feed has its own steps 8–11 (its scope depends on the resources it names).
  if (match.type === 'changes') return handleChanges(ctx, caller, BODYLESS_METHODS.has(ctx.method) ? parseQuery(ctx.rawQuery) : {});
  // Steps 8–10: route, method, scope (and OPTIONS).
  const routed = routeRequest(ctx, caller, match);
  if (!('route' in routed)) return routed;
  const { route, identifier } = routed;
  const { method } = ctx;

  // Step 11: query parameters. Services validate the ones they define; POST, PUT and DELETE ignore them.
  const query = BODYLESS_METHODS.has(method) ? parseQuery(ctx.rawQuery) : {};

  // Steps 12–13: media type and JSON body.
  let body: Record<string, unknown> = {};
  let bodyUtf8: Buffer | undefined;
  if (!BODYLESS_METHODS.has(method)) {
    // An undecodable identifier is answered here (step 15), so its body must be checked here too.
    const parsed = readBody(ctx.req, identifier?.value === null);
    if (!parsed.ok) return errorOutcome(ctx, parsed.error);
    body = parsed.value;
    // The bytes travel on as they are (one copy of a 50,000-row bulk in the gateway, never a string).
    bodyUtf8 = parsed.raw;
  }

  // Step 14: a partner key's active mapping for the resource and its identifier field; the
  // service maps the body forward (and its reply back, step 18).
  const partner = await partnerRequestFields(ctx.deps, caller.key.tenantId, route.resource, caller.key.partner);

  const op = operationFor(route, method, identifier?.value ?? undefined);
  if (op === null) return methodNotAllowed(ctx, route.methods); // unreachable: the method was checked above

  // Step 15 for identifiers that cannot be decoded: they resolve to no record (after step 14's mapping error).
  if (identifier && identifier.value === null) {
    const mappingError = mappingErrorBeforeStep15(op, body, partner.mapping);
    if (mappingError) return errorOutcome(ctx, mappingError);
    return undecodableIdentifier(ctx, route, identifier, query);
  }

  // Idempotency-Key: the request claims its key right before the service processes it.
  const idempotencyKey = idempotencyKeyOf(ctx);
  if (idempotencyKey && 'error' in idempotencyKey) return errorOutcome(ctx, idempotencyKey.error);
  if (idempotencyKey) {
    const answered = await claimIdempotency(ctx, caller, idempotencyKey.key, bodyUtf8);
    if (answered) return answered;
  }

  // Steps 15–18 in the owning service.
  return dispatch(ctx, caller, op, query, body, bodyUtf8, partner);
}
