/**
 * The admin API (admin.md §1–5): one request in, one complete response out, never throws.
 * Framework-free: storage and password hashing are ports (ports.ts).
 *
 * Checks in order, first failure wins (admin.md §1):
 *
 * | Step | What |
 * |---|---|
 * | 0 | request ID (the integration API's rule) |
 * | 1 | a declared body over the admin limit → 413 (nothing read) |
 * | 2 | `GET openapi.json` → the document, no session |
 * | 3 | `POST session/` (sign in): origin, body, validation, throttle, credentials |
 * | 4 | session (cookie, this tenant's host) → 403 NOT_AUTHENTICATED; `X-API-Key` is never looked at |
 * | 5 | route 404, method 405 + `Allow`, OPTIONS 204 |
 * | 6 | CSRF on POST/PUT/PATCH/DELETE: a foreign `Origin` / `Sec-Fetch-Site`, or an `X-CSRF-Token` that is not the session's → 403 PERMISSION_DENIED |
 * | 7 | role: a viewer's write → 403 PERMISSION_DENIED |
 * | 8 | body: size, media type (415), JSON (400); then the operation's validation (400) and the change |
 */
import { ERROR_STATUS, type ApiError, type Pagination } from '@datamingle/contracts';
import { encodeCursor, isValidApiString, parseCursorParam, parseInstant, parseJsonBody, parseLimit, type CursorPosition } from '@datamingle/kernel';
import { headerValue } from '../headers';
import { tenantSlugFromHost } from '../host';
import { checkBodyMediaType } from '../media-type';
import { parseQuery } from '../query';
import { resolveRequestId } from '../request-id';
import { apiError, baseResponseHeaders, errorEnvelope, gatewayErrors, JSON_CONTENT_TYPE, serializeJson, successEnvelope, validationError } from '../responses';
import type { PendingBody, RawRequest, RawResponse } from '../types';
import type { AuditContext } from './audit';
import { rotatedKeyName, validateKeyCreate, validateKeyUpdate } from './keys';
import { mappingDefinition, mappingFilters, runPreview, TEMPLATE_VIEWS, templateBySlug, validateMappingCreate, validateMappingReplace, validatePreview } from './mappings';
import { integrationLogFilters } from './integration-logs';
import { PARTNER_MESSAGES, validatePartnerCreate, validatePartnerUpdate, type PartnerView } from './partners';
import type { AdminStorePort, Page, PageRequest, PasswordHasher, SessionRecord, StoreRefusal, StoreResult, TenantRef } from './ports';
import { allowedMethods, matchAdminRoute, roleAllows, UNSAFE_METHODS, type AdminMethod, type AdminOperation } from './routes';
import {
  clearedSessionCookie,
  csrfTokenFor,
  csrfTokenMatches,
  hashSessionToken,
  newSessionToken,
  sameOriginRequest,
  SIGN_IN_MAX_FAILURES,
  sessionCookie,
  sessionTokensFromCookie,
} from './session';
import { LAST_ADMIN_MESSAGE, passwordProblem, validateNewUser, validateUserPatch, type FieldErrors, type UserView } from './users';

/** Request bodies of the admin API are small: 1 MiB. */
export const ADMIN_MAX_BODY_BYTES = 1_048_576;

export const ADMIN_MESSAGES = {
  notAuthenticated: 'Authentication credentials were not provided.',
  permissionDenied: 'You do not have permission to perform this action.',
  signInFailed: 'Invalid email or password',
  signInThrottled: (seconds: number) => `Too many failed sign-ins for this email. Retry after ${seconds} seconds.`,
  payloadTooLarge: `Request body exceeds the limit of ${ADMIN_MAX_BODY_BYTES} bytes.`,
  notFound: (label: string, id: string) => `${label} '${id}' not found.`,
  duplicateEmail: 'A user with this email already exists.',
  wrongPassword: 'The current password is not correct.',
} as const;

export interface NewApiKeySecret {
  key: string;
  prefix: string;
  hash: string;
}

export interface AdminApiDeps {
  baseDomain: string;
  now(): Date;
  newRequestId(): string;
  store: AdminStorePort;
  passwords: PasswordHasher;
  /** The server secret CSRF tokens are derived with. */
  csrfSecret(): string;
  /** A fresh API key with its display prefix and its HMAC (auth-and-keys.md §3, §4.3). */
  newApiKey(): NewApiKeySecret;
  /** The admin API's OpenAPI document (serialized). */
  openApiDocument(): string;
  onUnexpectedError?(error: unknown, requestId: string): void;
}

interface Outcome {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Ctx {
  req: RawRequest;
  deps: AdminApiDeps;
  requestId: string;
  method: string;
  path: string;
  query: Record<string, string>;
  clientIp: string | null;
}

interface Authed extends Ctx {
  session: SessionRecord;
  tenant: TenantRef;
  user: UserView;
  audit: AuditContext;
  body: Record<string, unknown>;
}

// ---- answers ----

function errorOutcome(error: ApiError, headers: Record<string, string> = {}): Outcome {
  const h = { ...headers };
  const retry = error.details?.['retry_after'];
  if ((error.code === 'RATE_LIMITED' || error.code === 'SERVICE_UNAVAILABLE') && typeof retry === 'number') h['Retry-After'] = String(retry);
  return { status: ERROR_STATUS[error.code], body: { error }, headers: h };
}

/** 403 NOT_AUTHENTICATED / PERMISSION_DENIED, and the sign-in 401: `detail` plus the envelope, like the integration API's authentication layer. */
function authOutcome(code: 'NOT_AUTHENTICATED' | 'PERMISSION_DENIED' | 'AUTHENTICATION_FAILED', message: string, details?: Record<string, unknown>): Outcome {
  return { status: ERROR_STATUS[code], body: { detail: message, error: apiError(code, message, details) } };
}

const ok = (data: unknown, status = 200, headers: Record<string, string> = {}): Outcome => ({ status, body: { data }, headers });

function listOutcome<T>(page: Page<T>, limit: number): Outcome {
  return { status: 200, body: { data: page.data, pagination: { limit, next_cursor: page.next ? encodeCursor(page.next) : null } } };
}

function finalize(outcome: Outcome, ctx: Ctx): RawResponse {
  const headers: Record<string, string> = { ...baseResponseHeaders(ctx.requestId, ctx.deps.baseDomain), ...outcome.headers };
  if (outcome.body === undefined || outcome.status === 204) return { status: outcome.status, headers, body: null };
  const b = outcome.body as { error?: ApiError; detail?: string; data?: unknown; pagination?: Pagination; raw?: string };
  let text: string;
  if (b.raw !== undefined) text = b.raw;
  else if (b.error) text = serializeJson(b.detail !== undefined ? { detail: b.detail, ...errorEnvelope(b.error, ctx.requestId) } : errorEnvelope(b.error, ctx.requestId));
  else text = serializeJson(successEnvelope(b.data, b.pagination));
  headers['Content-Type'] = JSON_CONTENT_TYPE;
  return { status: outcome.status, headers, body: ctx.method === 'HEAD' ? null : text };
}

const notFound = (label: string, id: string) => errorOutcome(apiError('NOT_FOUND', ADMIN_MESSAGES.notFound(label, id)));

function refusal(result: { ok: false; error: StoreRefusal }, label: string, id: string): Outcome {
  switch (result.error) {
    case 'not_found':
      return notFound(label, id);
    case 'last_admin':
      return errorOutcome(validationError({ non_field_errors: [LAST_ADMIN_MESSAGE] }));
    case 'duplicate_email':
      return errorOutcome(apiError('DUPLICATE', `email: ${ADMIN_MESSAGES.duplicateEmail}`, { email: [ADMIN_MESSAGES.duplicateEmail] }));
    case 'duplicate_name':
      return errorOutcome(apiError('DUPLICATE', `name: ${PARTNER_MESSAGES.duplicateName}`, { name: [PARTNER_MESSAGES.duplicateName] }));
    case 'partner_in_use':
      return errorOutcome(validationError({ non_field_errors: [PARTNER_MESSAGES.inUse] }));
    case 'partner_not_found':
      return errorOutcome(validationError({ partner: [PARTNER_MESSAGES.keyPartnerMissing(id)] }));
  }
}

const invalid = (errors: FieldErrors) => errorOutcome(validationError(errors));

// ---- entry point ----

export async function handleAdminRequest(req: RawRequest, deps: AdminApiDeps): Promise<RawResponse> {
  const requestId = resolveRequestId(headerValue(req.headers, 'x-request-id'), () => deps.newRequestId());
  const [path, rawQuery] = splitUrl(req.rawUrl);
  const ctx: Ctx = { req, deps, requestId, method: req.method, path, query: parseQuery(rawQuery), clientIp: req.remoteAddress ?? null };
  try {
    return finalize(await answer(ctx), ctx);
  } catch (error) {
    try {
      deps.onUnexpectedError?.(error, requestId);
    } catch {
      // nothing left to tell
    }
    return finalize(errorOutcome(gatewayErrors.internal()), ctx);
  }
}

function splitUrl(rawUrl: string): [string, string | null] {
  const q = rawUrl.indexOf('?');
  return q < 0 ? [rawUrl, null] : [rawUrl.slice(0, q), rawUrl.slice(q + 1)];
}

async function answer(ctx: Ctx): Promise<Outcome> {
  // 1: a declared body over the limit is refused before anything is read.
  if (ctx.req.bodyTooLarge) return payloadTooLarge();
  const match = matchAdminRoute(ctx.path);
  // 2: the OpenAPI document needs no session.
  if (match.type === 'openapi' && (ctx.method === 'GET' || ctx.method === 'HEAD')) return { status: 200, body: { raw: ctx.deps.openApiDocument() } };
  // 3: signing in is the one operation without a session.
  if (match.type === 'route' && match.route.path === 'session/' && ctx.method === 'POST') return signIn(ctx);

  // 4: the session, on this tenant's host only.
  const tenantSlug = tenantSlugFromHost(headerValue(ctx.req.headers, 'host'), ctx.deps.baseDomain);
  const tokens = sessionTokensFromCookie(headerValue(ctx.req.headers, 'cookie'));
  const session = tenantSlug !== null && tokens.length > 0 ? await ctx.deps.store.findSession(tenantSlug, tokens.map(hashSessionToken)) : null;
  if (!session) return authOutcome('NOT_AUTHENTICATED', ADMIN_MESSAGES.notAuthenticated);
  const token = tokens.find((t) => hashSessionToken(t) === session.tokenHash)!;

  // 5: route and method.
  if (match.type !== 'route') return errorOutcome(gatewayErrors.routeNotFound());
  const allowed = allowedMethods(match.route);
  if (ctx.method === 'OPTIONS') return { status: 204, headers: { Allow: allowed.join(', ') } };
  const method = (ctx.method === 'HEAD' ? 'GET' : ctx.method) as AdminMethod;
  const op = match.route.methods[method];
  if (!op) return errorOutcome(gatewayErrors.methodNotAllowed(ctx.method, allowed), { Allow: allowed.join(', ') });

  // 6: CSRF for every unsafe method (the session's token, and the browser's own origin).
  if (UNSAFE_METHODS.has(ctx.method)) {
    const sameOrigin = sameOriginRequest(
      { origin: headerValue(ctx.req.headers, 'origin'), host: headerValue(ctx.req.headers, 'host'), secFetchSite: headerValue(ctx.req.headers, 'sec-fetch-site') },
      ctx.deps.baseDomain,
    );
    const presented = headerValue(ctx.req.headers, 'x-csrf-token');
    if (!sameOrigin || !csrfTokenMatches(csrfTokenFor(ctx.deps.csrfSecret(), token), presented?.trim())) {
      return authOutcome('PERMISSION_DENIED', ADMIN_MESSAGES.permissionDenied);
    }
  }

  // 7: role.
  if (!roleAllows(session.user.role, op, ctx.method)) return authOutcome('PERMISSION_DENIED', ADMIN_MESSAGES.permissionDenied, { required_role: 'admin' });

  // 8: body, then the operation.
  let body: Record<string, unknown> = {};
  if (UNSAFE_METHODS.has(ctx.method)) {
    const read = await readJsonBody(ctx);
    if ('status' in read) return read;
    body = read.value;
  }
  const authed: Authed = {
    ...ctx,
    session,
    tenant: session.tenant,
    user: session.user,
    body,
    audit: { actor: { type: 'user', id: session.user.id, email: session.user.email }, requestId: ctx.requestId, clientIp: ctx.clientIp },
  };
  return OPERATIONS[op](authed, match.id, token);
}

function payloadTooLarge(): Outcome {
  return errorOutcome(apiError('PAYLOAD_TOO_LARGE', ADMIN_MESSAGES.payloadTooLarge, { max_bytes: ADMIN_MAX_BODY_BYTES }));
}

function isPending(body: RawRequest['body']): body is PendingBody {
  return body !== null && !Buffer.isBuffer(body) && typeof (body as PendingBody).read === 'function';
}

/** Reads the body (under the limit), checks its media type and parses it as a JSON object; an empty body is `{}`. */
async function readJsonBody(ctx: Ctx): Promise<{ value: Record<string, unknown> } | Outcome> {
  let raw: Buffer | null;
  if (isPending(ctx.req.body)) {
    const read = await ctx.req.body.read();
    if (read.status === 'too_large') return payloadTooLarge();
    if (read.status === 'over_budget') return errorOutcome(gatewayErrors.serviceUnavailable(read.retryAfterSeconds));
    if (read.status === 'aborted') return errorOutcome(gatewayErrors.bodyIncomplete());
    raw = read.body;
  } else {
    raw = ctx.req.body;
  }
  if (raw === null || raw.length === 0) return { value: {} };
  if (raw.length > ADMIN_MAX_BODY_BYTES) return payloadTooLarge();
  const media = checkBodyMediaType(headerValue(ctx.req.headers, 'content-type'), headerValue(ctx.req.headers, 'content-encoding'));
  if (!media.ok) return errorOutcome(gatewayErrors.unsupportedMediaType(media.error.contentType));
  const parsed = parseJsonBody(raw);
  return parsed.ok ? { value: parsed.value } : errorOutcome(parsed.error);
}

// ---- sign in ----

async function signIn(ctx: Ctx): Promise<Outcome> {
  const { deps } = ctx;
  // A sign-in form posted from another origin is refused like any cross-origin write.
  const sameOrigin = sameOriginRequest(
    { origin: headerValue(ctx.req.headers, 'origin'), host: headerValue(ctx.req.headers, 'host'), secFetchSite: headerValue(ctx.req.headers, 'sec-fetch-site') },
    deps.baseDomain,
  );
  if (!sameOrigin) return authOutcome('PERMISSION_DENIED', ADMIN_MESSAGES.permissionDenied);
  const read = await readJsonBody(ctx);
  if ('status' in read) return read;
  const errors: FieldErrors = {};
  for (const field of ['email', 'password'] as const) {
    const v = read.value[field];
    if (v === undefined) errors[field] = ['This field is required.'];
    else if (v === null) errors[field] = ['This field may not be null.'];
    else if (typeof v !== 'string') errors[field] = ['Not a valid string.'];
    // The email is stored (failures, the audit event's actor): U+0000 and unpaired surrogates cannot be.
    else if (field === 'email' && !isValidApiString(v)) errors[field] = ['Not a valid string.'];
    else if (v.length > 1024) errors[field] = ['Ensure this field has no more than 1024 characters.'];
  }
  if (Object.keys(errors).length > 0) return invalid(errors);
  const email = (read.value['email'] as string).trim();
  const password = read.value['password'] as string;

  const slug = tenantSlugFromHost(headerValue(ctx.req.headers, 'host'), deps.baseDomain);
  const tenant = slug === null ? null : await deps.store.tenantBySlug(slug);
  const failed = authOutcome('AUTHENTICATION_FAILED', ADMIN_MESSAGES.signInFailed);
  if (!tenant) {
    // No tenant, no user: the same work and the same answer as a wrong password.
    await deps.passwords.verify(await deps.passwords.dummyHash(), password);
    return failed;
  }
  const throttle = await deps.store.signInThrottle(tenant.id, email);
  if (throttle.failures >= SIGN_IN_MAX_FAILURES) {
    return errorOutcome(apiError('RATE_LIMITED', ADMIN_MESSAGES.signInThrottled(throttle.retryAfterSeconds), { retry_after: throttle.retryAfterSeconds }));
  }
  const candidate = await deps.store.signInCandidate(tenant.id, email);
  // Unknown emails verify against a dummy hash; disabled users against their own: the same time for all three.
  const verified = await deps.passwords.verify(candidate ? candidate.passwordHash : await deps.passwords.dummyHash(), password);
  const audit: AuditContext = { actor: { type: 'user', id: candidate?.user.id ?? null, email }, requestId: ctx.requestId, clientIp: ctx.clientIp };
  if (!candidate || !verified || !candidate.user.is_active) {
    await deps.store.recordSignInFailure(tenant.id, email, audit);
    return failed;
  }
  const token = newSessionToken();
  const replaced = sessionTokensFromCookie(headerValue(ctx.req.headers, 'cookie')).map(hashSessionToken);
  const user = await deps.store.createSession(tenant.id, candidate.user.id, hashSessionToken(token), replaced, {
    ...audit,
    actor: { type: 'user', id: candidate.user.id, email: candidate.user.email },
  });
  return ok({ user, csrf_token: csrfTokenFor(deps.csrfSecret(), token) }, 200, { 'Set-Cookie': sessionCookie(token, deps.baseDomain) });
}

// ---- list parameters ----

function pageRequest(ctx: Ctx, errors: FieldErrors): { page: PageRequest; invalidCursor: string | null } {
  const limit = parseLimit(ctx.query['limit']);
  const cursor = parseCursorParam(ctx.query['cursor']);
  if (cursor.ok) return { page: { limit, after: cursor.value as CursorPosition | null }, invalidCursor: null };
  errors['cursor'] = ['Invalid cursor.'];
  return { page: { limit, after: null }, invalidCursor: ctx.query['cursor'] ?? '' };
}

function queryError(errors: FieldErrors, invalidCursor: string | null): Outcome {
  if (invalidCursor !== null) {
    return errorOutcome({ code: 'VALIDATION_ERROR', message: `Invalid cursor: '${[...invalidCursor].slice(0, 200).join('')}'`, details: errors });
  }
  return invalid(errors);
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const DATETIME_MESSAGE = 'Datetime has wrong format. Use ISO 8601, e.g. 2026-05-01T00:00:00Z.';
const SECURITY_REASONS = ['NOT_AUTHENTICATED', 'AUTHENTICATION_FAILED', 'KEY_EXPIRED', 'INTEGRATION_DISABLED', 'PERMISSION_DENIED'];

function datetimeParam(value: string | undefined, name: string, errors: FieldErrors): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (parseInstant(value) === null || Number.isNaN(new Date(value).getTime())) {
    errors[name] = [DATETIME_MESSAGE];
    return undefined;
  }
  return new Date(value).toISOString();
}

// ---- operations ----

type Handler = (ctx: Authed, id: string | null, token: string) => Promise<Outcome>;

const userResult = (r: StoreResult<UserView>, id: string) => (r.ok ? ok(r.value) : refusal(r, 'User', id));

const OPERATIONS: Record<AdminOperation, Handler> = {
  signIn: async () => {
    throw new Error('unreachable: sign-in is answered before the session check');
  },

  signOut: async (ctx) => {
    await ctx.deps.store.endSession(ctx.tenant.id, ctx.session.tokenHash, ctx.audit);
    return { status: 204, headers: { 'Set-Cookie': clearedSessionCookie(ctx.deps.baseDomain) } };
  },

  me: async (ctx, _id, token) => ok({ user: ctx.user, csrf_token: csrfTokenFor(ctx.deps.csrfSecret(), token) }),

  changePassword: async (ctx) => {
    const errors: FieldErrors = {};
    const current = ctx.body['current_password'];
    const next = ctx.body['new_password'];
    if (current === undefined) errors['current_password'] = ['This field is required.'];
    else if (typeof current !== 'string') errors['current_password'] = [current === null ? 'This field may not be null.' : 'Not a valid string.'];
    if (next === undefined) errors['new_password'] = ['This field is required.'];
    else if (next === null) errors['new_password'] = ['This field may not be null.'];
    else {
      const p = passwordProblem(next);
      if (p) errors['new_password'] = [p];
    }
    if (Object.keys(errors).length > 0) return invalid(errors);
    const stored = await ctx.deps.store.passwordHashOf(ctx.tenant.id, ctx.user.id);
    if (stored === null || !(await ctx.deps.passwords.verify(stored, current as string))) return invalid({ current_password: [ADMIN_MESSAGES.wrongPassword] });
    const hash = await ctx.deps.passwords.hash(next as string);
    return ok(await ctx.deps.store.changePassword(ctx.tenant.id, ctx.user.id, hash, ctx.session.tokenHash, ctx.audit));
  },

  listKeys: async (ctx) => {
    const errors: FieldErrors = {};
    const filters: { partner?: string | null; isActive?: boolean } = {};
    const partner = ctx.query['partner'];
    if (partner !== undefined && partner !== '') {
      if (partner === 'null') filters.partner = null;
      else if (UUID.test(partner)) filters.partner = partner.toLowerCase();
      else errors['partner'] = ['Must be a valid UUID.'];
    }
    const active = ctx.query['is_active'];
    if (active !== undefined && active !== '') {
      if (active === 'true' || active === 'false') filters.isActive = active === 'true';
      else errors['is_active'] = ['Must be a valid boolean.'];
    }
    const { page, invalidCursor } = pageRequest(ctx, errors);
    if (Object.keys(errors).length > 0) return queryError(errors, invalidCursor);
    return listOutcome(await ctx.deps.store.listKeys(ctx.tenant.id, filters, page), page.limit);
  },

  getKey: async (ctx, id) => {
    const key = await ctx.deps.store.getKey(ctx.tenant.id, id!);
    return key ? ok(key) : notFound('API key', id!);
  },

  createKey: async (ctx) => {
    const input = validateKeyCreate(ctx.body, ctx.deps.now());
    if (!input.ok) return invalid(input.errors);
    const secret = ctx.deps.newApiKey();
    const { partnerId } = input.value;
    const r = await ctx.deps.store.createKey(
      ctx.tenant.id,
      { name: input.value.name, prefix: secret.prefix, keyHash: secret.hash, scopes: input.value.scopes, expiresAt: input.value.expiresAt, rateLimitPerSecond: input.value.rateLimitPerSecond, partnerId, isActive: input.value.isActive },
      ctx.audit,
    );
    if (!r.ok) return refusal(r, 'API key', partnerId ?? '');
    const created = r.value;
    // The key itself, once, in this response only (Cache-Control: no-store is on every response).
    return ok({ id: created.id, name: created.name, key: secret.key, ...withoutId(created) }, 201);
  },

  updateKey: async (ctx, id) => {
    let body = ctx.body;
    // `partner` is fixed at creation (auth-and-keys.md §4.1): sending the key's own partner is accepted and changes nothing; another value is refused.
    if (body['partner'] !== undefined) {
      const key = await ctx.deps.store.getKey(ctx.tenant.id, id!);
      if (!key) return notFound('API key', id!);
      const p = body['partner'];
      if (p === key.partner || (typeof p === 'string' && key.partner !== null && p.toLowerCase() === key.partner)) {
        const { partner: _same, ...rest } = body;
        body = rest;
      }
    }
    const input = validateKeyUpdate(body, ctx.deps.now());
    if (!input.ok) return invalid(input.errors);
    const r = await ctx.deps.store.updateKey(ctx.tenant.id, id!, input.value, ctx.audit);
    return r.ok ? ok(r.value) : refusal(r, 'API key', id!);
  },

  deleteKey: async (ctx, id) => {
    const r = await ctx.deps.store.deleteKey(ctx.tenant.id, id!, ctx.audit);
    return r.ok ? { status: 204 } : refusal(r, 'API key', id!);
  },

  rotateKey: async (ctx, id) => {
    const secret = ctx.deps.newApiKey();
    const now = ctx.deps.now();
    const r = await ctx.deps.store.rotateKey(ctx.tenant.id, id!, { prefix: secret.prefix, keyHash: secret.hash, name: (old) => rotatedKeyName(old, now) }, ctx.audit);
    if (!r.ok) return refusal(r, 'API key', id!);
    return ok({ id: r.value.id, name: r.value.name, key: secret.key, ...withoutId(r.value) }, 201);
  },

  listPartners: async (ctx) => {
    const errors: FieldErrors = {};
    const { page, invalidCursor } = pageRequest(ctx, errors);
    if (Object.keys(errors).length > 0) return queryError(errors, invalidCursor);
    return listOutcome(await ctx.deps.store.listPartners(ctx.tenant.id, page), page.limit);
  },

  getPartner: async (ctx, id) => {
    const partner = await ctx.deps.store.getPartner(ctx.tenant.id, id!);
    return partner ? ok(partner) : notFound('Partner', id!);
  },

  createPartner: async (ctx) => {
    const input = validatePartnerCreate(ctx.body);
    if (!input.ok) return invalid(input.errors);
    // The store creates the template's mappings with the partner (custom-integrations.md §10.2).
    const r = await ctx.deps.store.createPartner(ctx.tenant.id, input.value, ctx.audit);
    return r.ok ? ok(r.value, 201) : refusal(r, 'Partner', input.value.name);
  },

  updatePartner: async (ctx, id) => {
    const input = validatePartnerUpdate(ctx.body);
    if (!input.ok) return invalid(input.errors);
    const r: StoreResult<PartnerView> = await ctx.deps.store.updatePartner(ctx.tenant.id, id!, input.value, ctx.audit);
    return r.ok ? ok(r.value) : refusal(r, 'Partner', id!);
  },

  deletePartner: async (ctx, id) => {
    const r = await ctx.deps.store.deletePartner(ctx.tenant.id, id!, ctx.audit);
    return r.ok ? { status: 204 } : refusal(r, 'Partner', id!);
  },

  listMappings: async (ctx, partnerId) => {
    const errors: FieldErrors = {};
    const filters = mappingFilters(ctx.query, errors);
    const { page, invalidCursor } = pageRequest(ctx, errors);
    if (Object.keys(errors).length > 0) return queryError(errors, invalidCursor);
    const r = await ctx.deps.store.listMappings(ctx.tenant.id, partnerId!, filters, page);
    return r.ok ? listOutcome(r.value, page.limit) : refusal(r, 'Partner', partnerId!);
  },

  createMapping: async (ctx, partnerId) => {
    const input = validateMappingCreate(ctx.body);
    if (!input.ok) {
      // An unknown partner is a 404 before any validation error of the body.
      if (!(await ctx.deps.store.getPartner(ctx.tenant.id, partnerId!))) return notFound('Partner', partnerId!);
      return invalid(input.errors);
    }
    const r = await ctx.deps.store.createMapping(ctx.tenant.id, partnerId!, input.value, ctx.audit);
    return r.ok ? ok(r.value, 201) : refusal(r, 'Partner', partnerId!);
  },

  getMapping: async (ctx, id) => {
    const mapping = await ctx.deps.store.getMapping(ctx.tenant.id, id!);
    return mapping ? ok(mapping) : notFound('Mapping', id!);
  },

  replaceMapping: async (ctx, id) => {
    const current = await ctx.deps.store.getMapping(ctx.tenant.id, id!);
    if (!current) return notFound('Mapping', id!);
    const input = validateMappingReplace(ctx.body, current);
    if (!input.ok) return invalid(input.errors);
    const r = await ctx.deps.store.replaceMapping(ctx.tenant.id, id!, input.value, ctx.audit);
    return r.ok ? ok(r.value) : refusal(r, 'Mapping', id!);
  },

  deleteMapping: async (ctx, id) => {
    const r = await ctx.deps.store.deleteMapping(ctx.tenant.id, id!, ctx.audit);
    return r.ok ? { status: 204 } : refusal(r, 'Mapping', id!);
  },

  activateMapping: async (ctx, id) => {
    const r = await ctx.deps.store.setMappingActive(ctx.tenant.id, id!, true, ctx.audit);
    return r.ok ? ok(r.value) : refusal(r, 'Mapping', id!);
  },

  deactivateMapping: async (ctx, id) => {
    const r = await ctx.deps.store.setMappingActive(ctx.tenant.id, id!, false, ctx.audit);
    return r.ok ? ok(r.value) : refusal(r, 'Mapping', id!);
  },

  previewMapping: async (ctx) => {
    const input = validatePreview(ctx.body);
    if (!input.ok) return invalid(input.errors);
    const { source, method, payload } = input.value;
    let definition;
    if ('mappingId' in source) {
      const stored = await ctx.deps.store.getMapping(ctx.tenant.id, source.mappingId);
      if (!stored) return notFound('Mapping', source.mappingId);
      definition = mappingDefinition(stored);
    } else {
      definition = source.mapping;
    }
    return ok(runPreview(definition, method, payload));
  },

  listTemplates: async () => ok(TEMPLATE_VIEWS),

  getTemplate: async (_ctx, slug) => {
    const template = templateBySlug(slug!);
    return template ? ok(template) : notFound('Template', slug!);
  },

  getSettings: async (ctx) => ok(settingsView(ctx.tenant)),

  updateSettings: async (ctx) => {
    const v = ctx.body['integration_enabled'];
    if (v === undefined) return ok(settingsView(ctx.tenant));
    if (typeof v !== 'boolean') return invalid({ integration_enabled: [v === null ? 'This field may not be null.' : 'Must be a valid boolean.'] });
    return ok(settingsView(await ctx.deps.store.setIntegrationEnabled(ctx.tenant.id, v, ctx.audit)));
  },

  listUsers: async (ctx) => {
    const errors: FieldErrors = {};
    const { page, invalidCursor } = pageRequest(ctx, errors);
    if (Object.keys(errors).length > 0) return queryError(errors, invalidCursor);
    return listOutcome(await ctx.deps.store.listUsers(ctx.tenant.id, page), page.limit);
  },

  getUser: async (ctx, id) => {
    const user = await ctx.deps.store.getUser(ctx.tenant.id, id!);
    return user ? ok(user) : notFound('User', id!);
  },

  createUser: async (ctx) => {
    const input = validateNewUser(ctx.body, 'viewer');
    if (!input.ok) return invalid(input.errors);
    const passwordHash = await ctx.deps.passwords.hash(input.value.password);
    const r = await ctx.deps.store.createUser(ctx.tenant.id, { email: input.value.email, name: input.value.name, role: input.value.role, passwordHash }, ctx.audit);
    return r.ok ? ok(r.value, 201) : refusal(r, 'User', input.value.email);
  },

  updateUser: async (ctx, id) => {
    const patch = validateUserPatch(ctx.body);
    if (!patch.ok) return invalid(patch.errors);
    return userResult(await ctx.deps.store.updateUser(ctx.tenant.id, id!, patch.value, ctx.audit), id!);
  },

  deleteUser: async (ctx, id) => {
    const r = await ctx.deps.store.deleteUser(ctx.tenant.id, id!, ctx.audit);
    return r.ok ? { status: 204 } : refusal(r, 'User', id!);
  },

  listSecurityEvents: async (ctx) => {
    const errors: FieldErrors = {};
    const filters: { reason?: string; apiKey?: string; createdAfter?: string; createdBefore?: string } = {};
    const reason = ctx.query['reason'];
    if (reason !== undefined && reason !== '') {
      if (SECURITY_REASONS.includes(reason)) filters.reason = reason;
      else errors['reason'] = [`"${[...reason].slice(0, 200).join('')}" is not a valid choice.`];
    }
    const apiKey = ctx.query['api_key'];
    if (apiKey !== undefined && apiKey !== '') {
      if (UUID.test(apiKey)) filters.apiKey = apiKey.toLowerCase();
      else errors['api_key'] = ['Must be a valid UUID.'];
    }
    const after = datetimeParam(ctx.query['created_after'], 'created_after', errors);
    if (after) filters.createdAfter = after;
    const before = datetimeParam(ctx.query['created_before'], 'created_before', errors);
    if (before) filters.createdBefore = before;
    const { page, invalidCursor } = pageRequest(ctx, errors);
    if (Object.keys(errors).length > 0) return queryError(errors, invalidCursor);
    return listOutcome(await ctx.deps.store.listSecurityEvents(ctx.tenant.id, filters, page), page.limit);
  },

  listAuditEvents: async (ctx) => {
    const errors: FieldErrors = {};
    const { page, invalidCursor } = pageRequest(ctx, errors);
    if (Object.keys(errors).length > 0) return queryError(errors, invalidCursor);
    return listOutcome(await ctx.deps.store.listAuditEvents(ctx.tenant.id, page), page.limit);
  },

  listIntegrationLogs: async (ctx) => {
    const errors: FieldErrors = {};
    const filters = integrationLogFilters(ctx.query, errors);
    const { page, invalidCursor } = pageRequest(ctx, errors);
    if (Object.keys(errors).length > 0) return queryError(errors, invalidCursor);
    return listOutcome(await ctx.deps.store.listIntegrationLogs(ctx.tenant.id, filters, page), page.limit);
  },

  getIntegrationLog: async (ctx, id) => {
    // The entry is JSON text from the store (payloads up to 1 MiB each, never parsed again): the
    // envelope is written around it.
    const entry = await ctx.deps.store.getIntegrationLog(ctx.tenant.id, id!);
    return entry === null ? notFound('Integration log entry', id!) : { status: 200, body: { raw: `{"success":true,"data":${entry}}` } };
  },
};

function withoutId<T extends { id: string; name: string }>(value: T): Omit<T, 'id' | 'name'> {
  const { id: _id, name: _name, ...rest } = value;
  return rest;
}

function settingsView(tenant: TenantRef): { integration_enabled: boolean; tenant: { id: string; slug: string; name: string } } {
  return { integration_enabled: tenant.integration_enabled, tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name } };
}
