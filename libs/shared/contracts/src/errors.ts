/** The error catalogue of the integration API (spec/errors.md §3). */
export const ERROR_STATUS = {
  VALIDATION_ERROR: 400,
  SERVICE_ERROR: 400,
  AUTHENTICATION_FAILED: 401,
  KEY_EXPIRED: 401,
  NOT_AUTHENTICATED: 403,
  PERMISSION_DENIED: 403,
  INTEGRATION_DISABLED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  DUPLICATE: 409,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  MAPPING_ERROR: 422,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
  GATEWAY_TIMEOUT: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * The message of `504 GATEWAY_TIMEOUT` (errors.md §6.13): also what a service answers when a
 * write's outcome is unknown (it may have been applied), as opposed to `503`, which promises
 * that nothing was applied (limits-and-versioning.md §5).
 */
export const GATEWAY_TIMEOUT_MESSAGE =
  'The request did not complete within 60 seconds. It may still be applied; check the record before retrying.';

/** Field path → non-empty list of messages, in the order the spec prescribes (errors.md §4.1). */
export type FieldErrors = Record<string, string[]>;

export interface ApiError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}
