import { ERROR_STATUS, MAX_LOGGED_PAYLOAD_BYTES, type ApiError, type ServiceReply } from '@datamingle/contracts';
import { truncateUtf8, utf8CutPoint } from '@datamingle/kernel';
import type { IntegrationLogEntry, IntegrationLogStatus, LogAction, LogResource, LoggedPayload } from '../limits-and-logs';
import type { RouteMatch } from '../routes';
import type { RawResponse, Resource } from '../types';
import type { AuthenticatedCaller, RequestContext } from './context';
import { reportUnexpected } from './outcomes';

/**
 * The integration-log entry of a request (integration-logs.md): started once the request passed
 * the authentication layer (`startIntegrationLog`), dropped when the scope check refuses it, and
 * handed to the sink after the response is produced (`recordIntegrationLog`). Building it never
 * parses a large body and never throws into the request.
 */
export interface IntegrationLogDraft {
  caller: AuthenticatedCaller;
  match: RouteMatch;
  /** The scope check (step 10) refused the request: it is a security event, not a log entry. */
  skip: boolean;
  /** A partner mapping was sent with the request (so an unanswered body was never mapped). */
  mapped: boolean;
  /** The service's reply, when the request reached it. */
  reply?: ServiceReply;
}

/** The singular name of each resource: the log's `resource`, the change feed's `resource` and the stream category of its records' events. */
export const RESOURCE_OF: Readonly<Record<Resource, LogResource>> = { orders: 'order', products: 'product', locations: 'location', inventory: 'inventory' };

export function startIntegrationLog(ctx: RequestContext, caller: AuthenticatedCaller, match: RouteMatch): void {
  if (ctx.deps.integrationLog) ctx.log = { caller, match, skip: false, mapped: false };
}

/** integration-logs.md §3. */
export function logStatus(httpStatus: number, code: string | null): IntegrationLogStatus {
  if (httpStatus >= 200 && httpStatus < 300) return 'success';
  if (httpStatus === 400 && code === 'VALIDATION_ERROR') return 'validation_error';
  if (httpStatus === 400 && code === 'SERVICE_ERROR') return 'service_error';
  if (httpStatus === 404) return 'not_found';
  if (httpStatus === 422 && code === 'MAPPING_ERROR') return 'mapping_error';
  return 'error';
}

function logAction(method: string, match: RouteMatch, httpStatus: number): LogAction | null {
  if (match.type === 'changes' && (method === 'GET' || method === 'HEAD') && httpStatus !== 405) return 'list';
  if (match.type !== 'resource' || httpStatus === 405) return null;
  switch (method) {
    case 'POST':
      return 'create';
    case 'GET':
    case 'HEAD':
      return match.route.kind === 'collection' ? 'list' : 'read';
    case 'PUT':
      return 'update';
    case 'DELETE':
      return 'delete';
    case 'OPTIONS':
      return 'options';
    default:
      return null;
  }
}

/** JSON text of at most the stored size: as is, or its first 1,048,576 bytes stored as a JSON string. */
function boundedJson(text: string, shortened: string[], field: string): LoggedPayload {
  // Byte length only matters near the limit; a text of ≤ 1/3 of it in UTF-16 units always fits.
  if (text.length * 3 > MAX_LOGGED_PAYLOAD_BYTES && Buffer.byteLength(text, 'utf8') > MAX_LOGGED_PAYLOAD_BYTES) {
    shortened.push(field);
    return { text: truncateUtf8(text, MAX_LOGGED_PAYLOAD_BYTES) };
  }
  return { json: text };
}

/** The body's bytes as sent (the pipeline never decodes them; a body over 1 MiB is cut at a character boundary). */
function rawPayload(ctx: RequestContext, shortened: string[]): LoggedPayload | null {
  const body = ctx.req.body;
  if (!Buffer.isBuffer(body) || body.length === 0) return null;
  if (body.length > MAX_LOGGED_PAYLOAD_BYTES) {
    shortened.push('raw_payload');
    return { text: body.subarray(0, utf8CutPoint(body, MAX_LOGGED_PAYLOAD_BYTES)).toString('utf8') };
  }
  // Invalid UTF-8 becomes U+FFFD (integration-logs.md §2).
  return { maybeJson: body.toString('utf8') };
}

function mappedPayload(draft: IntegrationLogDraft, raw: LoggedPayload | null, shortened: string[]): LoggedPayload | null {
  const fromService = draft.reply?.log;
  if (fromService?.mappedBody !== undefined) {
    if (fromService.mappedBody === null) return null;
    if (fromService.mappedBodyShortened) {
      shortened.push('mapped_payload');
      return { text: truncateUtf8(fromService.mappedBody, MAX_LOGGED_PAYLOAD_BYTES) };
    }
    return { json: fromService.mappedBody };
  }
  // Not changed by a mapping: the body itself, when it is a JSON object.
  if (raw === null || (draft.mapped && draft.reply === undefined)) return null;
  if ('text' in raw) {
    // Shortened: a body the service accepted is an object; otherwise judge by its first character.
    const accepted = draft.reply !== undefined || raw.text.trimStart().startsWith('{');
    if (!accepted) return null;
    shortened.push('mapped_payload');
    return raw;
  }
  const text = 'maybeJson' in raw ? raw.maybeJson : 'json' in raw ? raw.json : raw.objectOrNull;
  return draft.reply !== undefined ? { maybeJson: text } : { objectOrNull: text };
}

function errorOf(response: RawResponse, outcomeError: ApiError | undefined): ApiError | null {
  if (response.status < 400) return null;
  // The pipeline's own error is the one answered, unless finalize replaced the answer (a 500): no re-parse.
  if (outcomeError && ERROR_STATUS[outcomeError.code] === response.status) return outcomeError;
  if (response.body !== null) {
    try {
      const parsed = JSON.parse(response.body) as { error?: ApiError };
      if (parsed.error && typeof parsed.error.code === 'string') return parsed.error;
    } catch {
      // not JSON: no code
    }
  }
  return outcomeError ?? null;
}

const KEY_LIKE = /sk_live_[0-9A-Za-z]{32,128}/g;
const REDACTED_KEY = 'sk_live_[REDACTED]';

/**
 * An API key the caller put anywhere else than its header (the query string, a body) is still a
 * secret: it never reaches the log table (auth-and-keys.md §4.3). Texts without the key prefix —
 * nearly all — cost one native substring search.
 */
function redactKeys(text: string): string {
  return text.includes('sk_live_') ? text.replace(KEY_LIKE, REDACTED_KEY) : text;
}

function redactPayload(payload: LoggedPayload | null): LoggedPayload | null {
  if (payload === null) return null;
  if ('json' in payload) return { json: redactKeys(payload.json) };
  if ('maybeJson' in payload) return { maybeJson: redactKeys(payload.maybeJson) };
  if ('objectOrNull' in payload) return { objectOrNull: redactKeys(payload.objectOrNull) };
  return { text: redactKeys(payload.text) };
}

/** Hands the entry of a finished request to the sink (never throws, never waits). */
export function recordIntegrationLog(ctx: RequestContext, response: RawResponse, outcomeError: ApiError | undefined): void {
  const draft = ctx.log;
  const sink = ctx.deps.integrationLog;
  if (!draft || draft.skip || !sink) return;
  try {
    const shortened: string[] = [];
    const raw = rawPayload(ctx, shortened);
    const mapped = mappedPayload(draft, raw, shortened);
    const responseBody = response.body === null ? null : boundedJson(response.body, shortened, 'response_body');
    const error = errorOf(response, outcomeError);
    const { match, caller } = draft;
    const segment = match.type === 'resource' && match.identifier ? (match.identifier.value ?? match.identifier.raw) : null;
    const identifier = segment === null ? null : redactKeys(segment);
    const entry: IntegrationLogEntry = {
      tenantId: caller.key.tenantId,
      createdAt: ctx.receivedAt,
      requestId: ctx.requestId,
      partner: caller.key.partner ? { id: caller.key.partner.id, name: caller.key.partner.name } : null,
      apiKey: { id: caller.key.id, name: caller.key.name },
      resource: match.type === 'resource' ? RESOURCE_OF[match.route.resource] : null,
      action: logAction(ctx.method, match, response.status),
      identifier,
      method: ctx.method,
      path: redactKeys(ctx.path),
      queryString: redactKeys(ctx.rawQuery ?? ''),
      rawPayload: redactPayload(raw),
      mappedPayload: redactPayload(mapped),
      responseBody: redactPayload(responseBody),
      httpStatus: response.status,
      status: logStatus(response.status, error?.code ?? null),
      errorCode: error?.code ?? null,
      errorMessage: error?.message ?? null,
      internalId: draft.reply?.log?.recordId ?? null,
      durationMs: Math.max(0, Math.round(ctx.deps.now().getTime() - ctx.receivedAt.getTime())),
      shortenedFields: [...new Set(shortened)] as IntegrationLogEntry['shortenedFields'],
    };
    sink.record(entry);
  } catch (error) {
    reportUnexpected(ctx, error);
  }
}
