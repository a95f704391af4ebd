import { ERROR_STATUS, type ApiError } from '@datamingle/contracts';
import {
  DEFAULT_RETRY_AFTER_SECONDS,
  JSON_CONTENT_TYPE,
  WWW_AUTHENTICATE,
  authErrorEnvelope,
  baseResponseHeaders,
  errorEnvelope,
  gatewayErrors,
  serializeJson,
  type AuthErrorCode,
} from '../responses';
import { ServiceTimeoutError, ServiceUnavailableError } from '../service-errors';
import type { RawResponse } from '../types';
import type { Outcome, RequestContext } from './context';

/** Building answers: error envelopes with their headers, exceptions, and the final response. */

export function positiveSeconds(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.ceil(value) : null;
}

/** An error envelope with the status of its code and the headers the code requires. */
export function errorOutcome(ctx: RequestContext, error: ApiError, extraHeaders: Record<string, string> = {}): Outcome {
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

export function methodNotAllowed(ctx: RequestContext, allowed: readonly string[]): Outcome {
  return errorOutcome(ctx, gatewayErrors.methodNotAllowed(ctx.method, allowed), { Allow: allowed.join(', ') });
}

export function optionsOutcome(allowed: readonly string[]): Outcome {
  return { status: 204, headers: { Allow: allowed.join(', ') } };
}

/** An authentication-layer failure: `detail` plus envelope, 401s with `WWW-Authenticate`. */
export function authLayerOutcome(code: AuthErrorCode, ctx: RequestContext, details?: Record<string, unknown>): Outcome {
  const status = ERROR_STATUS[code];
  return {
    status,
    body: authErrorEnvelope(code, ctx.requestId, details),
    headers: status === 401 ? { 'WWW-Authenticate': WWW_AUTHENTICATE } : {},
  };
}

export function reportUnexpected(ctx: RequestContext, error: unknown): void {
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
export function thrownOutcome(error: unknown, ctx: RequestContext): Outcome {
  if (error instanceof ServiceUnavailableError || isNamedError(error, 'ServiceUnavailableError')) {
    const retryAfter = positiveSeconds((error as Partial<ServiceUnavailableError>).retryAfterSeconds) ?? DEFAULT_RETRY_AFTER_SECONDS;
    return errorOutcome(ctx, gatewayErrors.serviceUnavailable(retryAfter));
  }
  if (error instanceof ServiceTimeoutError || isNamedError(error, 'ServiceTimeoutError')) return errorOutcome(ctx, gatewayErrors.gatewayTimeout());
  reportUnexpected(ctx, error);
  return errorOutcome(ctx, gatewayErrors.internal());
}

/** Adds the common headers, fills in `request_id`, serializes, and drops the body for HEAD and 204. */
export function finalize(outcome: Outcome, ctx: RequestContext): RawResponse {
  const headers = { ...baseResponseHeaders(ctx.requestId, ctx.deps.baseDomain), ...ctx.limitHeaders, ...outcome.headers };
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
