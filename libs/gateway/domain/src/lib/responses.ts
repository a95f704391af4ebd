import { GATEWAY_TIMEOUT_MESSAGE, type ApiError, type ErrorCode, type Pagination } from '@datamingle/contracts';
import type { Resource } from './types';

export const MAX_BODY_BYTES = 10_485_760;
export const DEFAULT_RETRY_AFTER_SECONDS = 30;
export const PROCESSING_TIME_LIMIT_SECONDS = 60;
/** Longest identifier echoed in a not-found message (errors.md §6.3). */
export const MAX_ECHOED_IDENTIFIER = 200;

export const WWW_AUTHENTICATE = 'ApiKey header="X-API-Key"';
export const HSTS = 'max-age=31536000; includeSubDomains';
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Codes answered with the combined authentication body (errors.md §2). */
export type AuthErrorCode = 'NOT_AUTHENTICATED' | 'AUTHENTICATION_FAILED' | 'KEY_EXPIRED' | 'INTEGRATION_DISABLED' | 'PERMISSION_DENIED';

/** Contractual `detail` texts. */
export const AUTH_MESSAGES: Readonly<Record<AuthErrorCode, string>> = {
  NOT_AUTHENTICATED: 'Authentication credentials were not provided.',
  AUTHENTICATION_FAILED: 'Invalid API key',
  KEY_EXPIRED: 'API key has expired',
  INTEGRATION_DISABLED: 'Integration API access is disabled for this tenant.',
  PERMISSION_DENIED: 'You do not have permission to perform this action.',
};

const RESOURCE_LABEL: Readonly<Record<Exclude<Resource, 'inventory'>, string>> = {
  orders: 'Order',
  products: 'Product',
  locations: 'Location',
};

export const MESSAGES = {
  routeNotFound: 'The requested endpoint does not exist.',
  payloadTooLarge: `Request body exceeds the limit of ${MAX_BODY_BYTES} bytes.`,
  unsupportedMediaType: 'Request body must be sent as application/json.',
  internalError: 'An unexpected error occurred. Quote the request_id when contacting support.',
  /** The catalogue text, shared with the services' in-doubt write answers. */
  gatewayTimeout: GATEWAY_TIMEOUT_MESSAGE,
  serviceUnavailable: (retryAfter: number) => `The service is temporarily unavailable. Retry after ${retryAfter} seconds.`,
  methodNotAllowed: (method: string) => `Method ${method} is not allowed on this endpoint.`,
  /** `Order 'X' not found.`; `label` is the record kind (Order, Product, Location). */
  recordNotFound: (label: string, identifier: string) => `${label} '${identifier.slice(0, MAX_ECHOED_IDENTIFIER)}' not found.`,
  malformedJson: (explanation: string) => `Malformed JSON: ${explanation}`,
  notAnObject: 'Expected a JSON object at the top level.',
  malformedJsonDetail: 'Malformed JSON.',
  bodyIncomplete: 'The request body was not received completely.',
  rateLimited: (limit: number) => `Rate limit of ${limit} requests per second exceeded for this API key.`,
  concurrencyQueue: 'Too many concurrent requests for this API key. Retry after 1 seconds.',
} as const;

export function apiError(code: ErrorCode, message: string, details?: Record<string, unknown>): ApiError {
  return details === undefined ? { code, message } : { code, message, details };
}

/**
 * A `VALIDATION_ERROR` from field errors, with the summary `"<first path>: <first message>"`
 * plus `" (and N more)"` (errors.md §5.1).
 */
export function validationError(details: Record<string, string[]>): ApiError {
  const entries = Object.entries(details);
  const [path, messages] = entries[0]!;
  const more = entries.reduce((n, [, m]) => n + m.length, 0) - 1;
  return apiError('VALIDATION_ERROR', `${path}: ${messages[0]}${more > 0 ? ` (and ${more} more)` : ''}`, details);
}

/** Ready-made errors of the gateway's own steps. */
export const gatewayErrors = {
  payloadTooLarge: (): ApiError => apiError('PAYLOAD_TOO_LARGE', MESSAGES.payloadTooLarge, { max_bytes: MAX_BODY_BYTES }),
  routeNotFound: (): ApiError => apiError('NOT_FOUND', MESSAGES.routeNotFound),
  methodNotAllowed: (method: string, allowed: readonly string[]): ApiError =>
    apiError('METHOD_NOT_ALLOWED', MESSAGES.methodNotAllowed(method), { allowed_methods: [...allowed] }),
  unsupportedMediaType: (contentType: string): ApiError =>
    apiError('UNSUPPORTED_MEDIA_TYPE', MESSAGES.unsupportedMediaType, { content_type: contentType }),
  malformedJson: (explanation: string): ApiError =>
    apiError('VALIDATION_ERROR', MESSAGES.malformedJson(explanation), { non_field_errors: [MESSAGES.malformedJsonDetail] }),
  notAnObject: (): ApiError => validationError({ non_field_errors: [MESSAGES.notAnObject] }),
  /** Invalid query parameters (details: parameter → messages). */
  invalidQuery: (details: Record<string, string[]>): ApiError => validationError(details),
  invalidChoice: (parameter: string, value: string): ApiError => validationError({ [parameter]: [`"${value}" is not a valid choice.`] }),
  recordNotFound: (resource: Exclude<Resource, 'inventory'>, identifier: string): ApiError =>
    apiError('NOT_FOUND', MESSAGES.recordNotFound(RESOURCE_LABEL[resource], identifier)),
  internal: (): ApiError => apiError('INTERNAL_ERROR', MESSAGES.internalError),
  serviceUnavailable: (retryAfter = DEFAULT_RETRY_AFTER_SECONDS): ApiError =>
    apiError('SERVICE_UNAVAILABLE', MESSAGES.serviceUnavailable(retryAfter), { retry_after: retryAfter }),
  gatewayTimeout: (): ApiError => apiError('GATEWAY_TIMEOUT', MESSAGES.gatewayTimeout),
  /** Step 6 (limits-and-versioning.md §4). */
  rateLimited: (limit: number, retryAfter: number): ApiError => apiError('RATE_LIMITED', MESSAGES.rateLimited(limit), { limit_per_second: limit, retry_after: retryAfter }),
  /** Step 7: 30 s in the key's queue, or the queue is full (limits-and-versioning.md §3). */
  concurrencyQueue: (): ApiError => apiError('SERVICE_UNAVAILABLE', MESSAGES.concurrencyQueue, { retry_after: 1 }),
  /** The client closed the connection while sending its body (the answer cannot reach it). */
  bodyIncomplete: (): ApiError => validationError({ non_field_errors: [MESSAGES.bodyIncomplete] }),
};

export interface ErrorEnvelope {
  success: false;
  error: ApiError;
  request_id: string;
}

export interface AuthErrorEnvelope extends ErrorEnvelope {
  detail: string;
}

export interface SuccessEnvelope {
  success: true;
  data: unknown;
  pagination?: Pagination;
}

export function errorEnvelope(error: ApiError, requestId: string): ErrorEnvelope {
  return { success: false, error, request_id: requestId };
}

/** The combined authentication-layer body: `detail` plus the envelope (errors.md §2). */
export function authErrorEnvelope(code: AuthErrorCode, requestId: string, details?: Record<string, unknown>): AuthErrorEnvelope {
  const message = AUTH_MESSAGES[code];
  return { detail: message, success: false, error: apiError(code, message, details), request_id: requestId };
}

export function successEnvelope(data: unknown, pagination?: Pagination): SuccessEnvelope {
  return pagination === undefined ? { success: true, data: data ?? null } : { success: true, data: data ?? null, pagination };
}

/** Headers every integration-API response carries (conventions.md §9.2). */
export function baseResponseHeaders(requestId: string, baseDomain: string): Record<string, string> {
  const headers: Record<string, string> = { 'X-Request-ID': requestId, 'Cache-Control': 'no-store' };
  if (baseDomain.toLowerCase() !== 'localhost') headers['Strict-Transport-Security'] = HSTS;
  return headers;
}

/** Compact JSON; non-ASCII characters are emitted as UTF-8, not escaped. */
export function serializeJson(value: unknown): string {
  return JSON.stringify(value);
}
