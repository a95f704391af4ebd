import type { ApiError, ErrorCode, FieldErrors } from '@datamingle/contracts';
import { truncateCodePoints } from './unicode';

/** Identifiers and values echoed in messages are cut to this many characters (errors.md §5.1, §6.3). */
export const ECHO_MAX_CHARS = 200;

export function apiError(code: ErrorCode, message: string, details?: Record<string, unknown>): ApiError {
  return details === undefined ? { code, message } : { code, message, details };
}

/**
 * Summary message for field errors (errors.md §5.1):
 * `<first path>: <first message>` plus ` (and N more)` when N further messages exist.
 */
export function summaryMessage(errors: FieldErrors): string {
  const paths = Object.keys(errors);
  if (paths.length === 0) return 'Invalid input.';
  const first = paths[0];
  const firstMessages = errors[first];
  const total = paths.reduce((n, p) => n + errors[p].length, 0);
  const more = total - 1;
  const head = `${first}: ${firstMessages[0] ?? ''}`;
  return more > 0 ? `${head} (and ${more} more)` : head;
}

/** An error with field details and the standard summary message. */
export function fieldError(code: ErrorCode, errors: FieldErrors): ApiError {
  return { code, message: summaryMessage(errors), details: copyFieldErrors(errors) };
}

/** `400 VALIDATION_ERROR` with field details. */
export function toValidationError(errors: FieldErrors): ApiError {
  return fieldError('VALIDATION_ERROR', errors);
}

/** `<value>` cut to 200 characters (code points), for echoing in messages. */
export function cutForMessage(value: string, max = ECHO_MAX_CHARS): string {
  return truncateCodePoints(value, max);
}

/** `404 NOT_FOUND` `<Resource> '<identifier>' not found.` */
export function notFoundError(resource: string, identifier: string): ApiError {
  return apiError('NOT_FOUND', `${resource} '${cutForMessage(identifier)}' not found.`);
}

export function copyFieldErrors(errors: FieldErrors): FieldErrors {
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(errors)) out[k] = [...v];
  return out;
}
