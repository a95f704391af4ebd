import { ERROR_STATUS, type ApiError, type ServiceReply, type ServiceRequest } from '@datamingle/contracts';
import { authenticate, type AuthOutcome } from './authenticate';
import { headerValue } from './headers';
import { decodeJsonBodyText, parseJsonBody } from '@datamingle/kernel';
import { checkBodyMediaType } from './media-type';
import { parseQuery } from './query';
import { isValidTraceparent, resolveRequestId } from './request-id';
import {
  DEFAULT_RETRY_AFTER_SECONDS,
  JSON_CONTENT_TYPE,
  WWW_AUTHENTICATE,
  authErrorEnvelope,
  baseResponseHeaders,
  errorEnvelope,
  gatewayErrors,
  serializeJson,
  successEnvelope,
  type AuthErrorCode,
} from './responses';
import {
  OPENAPI_METHODS,
  actionForMethod,
  isIntegrationPath,
  matchRoute,
  operationFor,
  splitRawUrl,
  type IdentifierSegment,
  type RouteDefinition,
  type RouteMatch,
} from './routes';
import { requiredScope, scopeAllows } from './scopes';
import { ServiceTimeoutError, ServiceUnavailableError } from './service-errors';
import type { BodyReadResult, KeyRecord, Operation, PendingBody, PipelineDeps, RawRequest, RawResponse, SecurityEvent } from './types';

export type { BodyReadResult, KeyRecord, Operation, PendingBody, PipelineDeps, RawRequest, RawResponse, SecurityEvent } from './types';
export { ServiceTimeoutError, ServiceUnavailableError, isIntegrationPath };

/** Per-request facts fixed at step 0. */
interface RequestContext {
  req: RawRequest;
  deps: PipelineDeps;
  requestId: string;
  method: string;
  /** Raw path, without query string. */
  path: string;
  rawQuery: string | null;
}

/** A response before the common headers and serialization are applied. */
interface Outcome {
  status: number;
  /** A JSON value to serialize; `undefined` = no body. */
  body?: unknown;
  /** An already serialized JSON body. */
  text?: string;
  headers?: Record<string, string>;
}

/** Who passed the authentication layer. */
interface AuthenticatedCaller {
  key: KeyRecord;
  tenantSlug: string;
}

/** Bodies of these methods are ignored without being parsed (conventions.md §6.1). */
const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Runs one integration-API request through the processing order of conventions.md §5 and
 * returns the complete response. Never throws.
 */
export async function handleIntegrationRequest(req: RawRequest, deps: PipelineDeps): Promise<RawResponse> {
  // Step 0: request ID.
  const requestId = resolveRequestId(headerValue(req.headers, 'x-request-id'), () => deps.newRequestId());
  const { path, query } = splitRawUrl(req.rawUrl);
  const ctx: RequestContext = { req, deps, requestId, method: req.method, path, rawQuery: query };
  try {
    return finalize(await processRequest(ctx), ctx);
  } catch (error) {
    return finalize(thrownOutcome(error, ctx), ctx);
  }
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

  // Step 6 (per-key rate limit) and step 7 (per-key concurrency slot, held until the response is
  // produced) wrap the call below; from here on every response is written to the integration log.
  return routeAndHandle(ctx, caller, match);
}

/**
 * Reads (or only measures) a body the HTTP layer has not read yet, replacing `ctx.req.body` with
 * what was read. Returns the answer when the body cannot be used: over the limit (413), over the
 * gateway's byte budget (503, nothing read), or the client went away.
 */
async function settleBody(ctx: RequestContext, mode: 'read' | 'measure'): Promise<Outcome | null> {
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

/** Steps 8 onwards, for an authenticated caller. */
async function routeAndHandle(ctx: RequestContext, caller: AuthenticatedCaller, match: RouteMatch): Promise<Outcome> {
  const { method } = ctx;

  // Step 8: route exists.
  if (match.type === 'unknown' || (match.type === 'openapi' && !ctx.deps.openApiDocument)) {
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
    return authLayerOutcome('PERMISSION_DENIED', ctx, { required_scope: requiredScope(route.resource, action) });
  }

  // OPTIONS does no other work.
  if (method === 'OPTIONS') return optionsOutcome(route.methods);

  // Step 11: query parameters. Services validate the ones they define; POST, PUT and DELETE ignore them.
  const query = BODYLESS_METHODS.has(method) ? parseQuery(ctx.rawQuery) : {};

  // Steps 12–13: media type and JSON body.
  let body: Record<string, unknown> = {};
  let bodyJson: string | undefined;
  if (!BODYLESS_METHODS.has(method)) {
    // An undecodable identifier is answered here (step 15), so its body must be checked here too.
    const parsed = readBody(ctx.req, identifier?.value === null);
    if (!parsed.ok) return errorOutcome(ctx, parsed.error);
    body = parsed.value;
    bodyJson = parsed.raw;
  }

  // Step 14 (forward field mapping for partner keys) goes here.

  // Step 15 for identifiers that cannot be decoded: they resolve to no record.
  if (identifier && identifier.value === null) return undecodableIdentifier(ctx, route, identifier, query);

  const op = operationFor(route, method, identifier?.value ?? undefined);
  if (op === null) return methodNotAllowed(ctx, route.methods); // unreachable: the method was checked above
  return dispatch(ctx, caller, op, query, body, bodyJson);
}

type BodyResult = { ok: true; value: Record<string, unknown>; raw?: string } | { ok: false; error: ApiError };

/**
 * Steps 12 and 13. An empty body is `{}` whatever its headers say. Every other body is forwarded
 * to the service as text and parsed there, by the one parser of the platform (the kernel's
 * `parseJsonText`, which keeps number literals that a double cannot hold exactly): the values a
 * service sees never depend on the body's size or on what the transport's JSON can carry, and the
 * gateway's event loop never parses a multi-megabyte bulk body. Only the gateway's own answers
 * after step 13 (an undecodable identifier, step 15) parse it here (`parseHere`).
 */
function readBody(req: RawRequest, parseHere: boolean): BodyResult {
  const raw = req.body;
  // A body still pending here was only measured (bodyless methods never get here).
  if (raw === null || !Buffer.isBuffer(raw) || raw.length === 0) return { ok: true, value: {} };
  const media = checkBodyMediaType(headerValue(req.headers, 'content-type'), headerValue(req.headers, 'content-encoding'));
  if (!media.ok) return { ok: false, error: gatewayErrors.unsupportedMediaType(media.error.contentType) };
  if (parseHere) return parseJsonBody(raw);
  const text = decodeJsonBodyText(raw);
  return text.ok ? { ok: true, value: {}, raw: text.value } : text;
}

/**
 * The 404 of step 15 for an identifier segment that cannot be decoded, echoing the segment as
 * received. Inventory items name a location, or a product with `?by=sku`; an invalid `by` is a
 * step-11 error and wins.
 */
function undecodableIdentifier(
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

async function dispatch(
  ctx: RequestContext,
  caller: AuthenticatedCaller,
  op: Operation,
  query: Record<string, string>,
  body: Record<string, unknown>,
  bodyJson?: string,
): Promise<Outcome> {
  const traceparent = headerValue(ctx.req.headers, 'traceparent')?.trim();
  const request: ServiceRequest = {
    tenantId: caller.key.tenantId,
    tenantSlug: caller.tenantSlug,
    requestId: ctx.requestId,
    ...(isValidTraceparent(traceparent) ? { traceparent } : {}),
    ...(op.identifier !== undefined ? { identifier: op.identifier } : {}),
    query,
    body,
    ...(bodyJson !== undefined ? { bodyJson } : {}),
  };
  const reply = await ctx.deps.dispatch(op, request);
  // Step 18's reverse field mapping (partner keys) goes here.
  return replyOutcome(ctx, reply);
}

/** Maps a service's reply to a response; a reply that breaks the contract is an internal error. */
function replyOutcome(ctx: RequestContext, reply: ServiceReply): Outcome {
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

function positiveSeconds(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.ceil(value) : null;
}

/** An error envelope with the status of its code and the headers the code requires. */
function errorOutcome(ctx: RequestContext, error: ApiError, extraHeaders: Record<string, string> = {}): Outcome {
  const headers = { ...extraHeaders };
  let err = error;
  if (err.code === 'SERVICE_UNAVAILABLE') {
    const retryAfter = positiveSeconds(err.details?.['retry_after']) ?? DEFAULT_RETRY_AFTER_SECONDS;
    err = { ...err, details: { ...err.details, retry_after: retryAfter } };
    headers['Retry-After'] = String(retryAfter);
  } else if (err.code === 'RATE_LIMITED') {
    const retryAfter = positiveSeconds(err.details?.['retry_after']);
    if (retryAfter !== null) headers['Retry-After'] = String(retryAfter);
  }
  if (ERROR_STATUS[err.code] === 401) headers['WWW-Authenticate'] = WWW_AUTHENTICATE;
  return { status: ERROR_STATUS[err.code], body: errorEnvelope(err, ctx.requestId), headers };
}

function methodNotAllowed(ctx: RequestContext, allowed: readonly string[]): Outcome {
  return errorOutcome(ctx, gatewayErrors.methodNotAllowed(ctx.method, allowed), { Allow: allowed.join(', ') });
}

function optionsOutcome(allowed: readonly string[]): Outcome {
  return { status: 204, headers: { Allow: allowed.join(', ') } };
}

/** An authentication-layer failure: `detail` plus envelope, 401s with `WWW-Authenticate`. */
function authLayerOutcome(code: AuthErrorCode, ctx: RequestContext, details?: Record<string, unknown>): Outcome {
  const status = ERROR_STATUS[code];
  return {
    status,
    body: authErrorEnvelope(code, ctx.requestId, details),
    headers: status === 401 ? { 'WWW-Authenticate': WWW_AUTHENTICATE } : {},
  };
}

function authenticationFailure(ctx: RequestContext, auth: Extract<AuthOutcome, { ok: false }>): Outcome {
  emitSecurityEvent(ctx, auth.code, auth.key, auth.tenantSlug);
  return authLayerOutcome(auth.code, ctx);
}

function emitSecurityEvent(ctx: RequestContext, reason: SecurityEvent['reason'], key: KeyRecord | null, hostTenantSlug: string | null): void {
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

function notifyKeyAuthenticated(ctx: RequestContext, key: KeyRecord): void {
  try {
    ctx.deps.onKeyAuthenticated?.(key, ctx.requestId);
  } catch (error) {
    reportUnexpected(ctx, error);
  }
}

function reportUnexpected(ctx: RequestContext, error: unknown): void {
  try {
    ctx.deps.onUnexpectedError?.(error, ctx.requestId);
  } catch {
    // nothing left to tell
  }
}

function isNamedError(error: unknown, name: string): error is Error {
  return error instanceof Error && error.name === name;
}

/** Exceptions: 503 and 504 for the dispatcher's infrastructure errors, 500 for anything else. */
function thrownOutcome(error: unknown, ctx: RequestContext): Outcome {
  if (error instanceof ServiceUnavailableError || isNamedError(error, 'ServiceUnavailableError')) {
    const retryAfter = positiveSeconds((error as Partial<ServiceUnavailableError>).retryAfterSeconds) ?? DEFAULT_RETRY_AFTER_SECONDS;
    return errorOutcome(ctx, gatewayErrors.serviceUnavailable(retryAfter));
  }
  if (error instanceof ServiceTimeoutError || isNamedError(error, 'ServiceTimeoutError')) return errorOutcome(ctx, gatewayErrors.gatewayTimeout());
  reportUnexpected(ctx, error);
  return errorOutcome(ctx, gatewayErrors.internal());
}

/** Adds the common headers, fills in `request_id`, serializes, and drops the body for HEAD and 204. */
function finalize(outcome: Outcome, ctx: RequestContext): RawResponse {
  const headers = { ...baseResponseHeaders(ctx.requestId, ctx.deps.baseDomain), ...outcome.headers };
  let text: string | undefined = outcome.text;
  if (text === undefined && outcome.body !== undefined) {
    try {
      text = serializeJson(outcome.body);
    } catch (error) {
      // e.g. a service returned data JSON cannot represent
      reportUnexpected(ctx, error);
      return finalize(errorOutcome(ctx, gatewayErrors.internal()), ctx);
    }
  }
  if (text === undefined || outcome.status === 204) return { status: outcome.status, headers, body: null };
  headers['Content-Type'] = JSON_CONTENT_TYPE;
  return { status: outcome.status, headers, body: ctx.method === 'HEAD' ? null : text };
}
