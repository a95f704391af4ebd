/**
 * Cursor pagination helpers (spec/pagination.md).
 *
 * A cursor is the unpadded base64url encoding of the compact JSON object
 * `{"c":"<created_at, RFC 3339 UTC with 6 fractional digits>","i":"<uuid>"}`.
 */
import type { ApiError } from '@datamingle/contracts';
import { apiError, cutForMessage, toValidationError } from './errors';
import { formatInstant, formatTimestampMicros, parseInstant } from './datetime';
import { err, ok, type Result } from './result';
import type { FieldErrorCollector } from './validation/collector';

export const CURSOR_MAX_LENGTH = 512;
export const DEFAULT_LIMIT = 50;
export const MIN_LIMIT = 1;
export const MAX_LIMIT = 200;
export const INVALID_CURSOR_MESSAGE = 'Invalid cursor.';

/** A decoded cursor: `c` normalised to RFC 3339 UTC with 6 fractional digits, `i` a lower-case UUID. */
export interface CursorPosition {
  c: string;
  i: string;
}

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const BASE64URL_RE = /^[A-Za-z0-9_-]+$/;

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

/** Encodes a position; `c` may be a Date or any accepted datetime text (stored precision is kept). */
export function encodeCursor(position: { c: Date | string; i: string }): string {
  const json = JSON.stringify({ c: formatTimestampMicros(position.c), i: position.i.toLowerCase() });
  return Buffer.from(json, 'utf8').toString('base64url');
}

/** Decodes and validates a cursor (pagination.md §5). */
export function decodeCursor(raw: string): Result<CursorPosition, 'invalid'> {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > CURSOR_MAX_LENGTH) return err('invalid');
  if (!BASE64URL_RE.test(raw) || raw.length % 4 === 1) return err('invalid');
  const bytes = Buffer.from(raw, 'base64url');
  // Reject non-canonical encodings (stray trailing bits).
  if (bytes.toString('base64url') !== raw) return err('invalid');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return err('invalid');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return err('invalid');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return err('invalid');
  const keys = Object.keys(parsed);
  if (keys.length !== 2 || !keys.includes('c') || !keys.includes('i')) return err('invalid');
  const { c, i } = parsed as Record<string, unknown>;
  if (typeof c !== 'string' || typeof i !== 'string') return err('invalid');
  const instant = parseInstant(c);
  if (instant === null || !UUID_RE.test(i)) return err('invalid');
  return ok({ c: formatInstant(instant, { fraction: 'micros' }), i: i.toLowerCase() });
}

/** `400 VALIDATION_ERROR`, message exactly `Invalid cursor: '<value cut to 200 chars>'`. */
export function invalidCursorError(value: string): ApiError {
  return apiError('VALIDATION_ERROR', `Invalid cursor: '${cutForMessage(value)}'`, {
    cursor: [INVALID_CURSOR_MESSAGE],
  });
}

/**
 * The `cursor` query parameter: absent or empty → `null` (first page); invalid → the
 * invalid-cursor error.
 */
export function parseCursorParam(raw: string | undefined | null): Result<CursorPosition | null, ApiError> {
  if (raw === undefined || raw === null || raw === '') return ok(null);
  const decoded = decodeCursor(raw);
  return decoded.ok ? ok(decoded.value) : err(invalidCursorError(raw));
}

/**
 * The `cursor` parameter among other query parameters reported together: absent or empty →
 * `null`; invalid → its field error is added to `errors` and `invalid` holds the raw value, for
 * {@link queryParamsError}.
 */
export function collectCursorParam(
  raw: string | undefined,
  errors: FieldErrorCollector,
): { cursor: CursorPosition | null; invalid: string | null } {
  const parsed = parseCursorParam(raw);
  if (parsed.ok) return { cursor: parsed.value, invalid: null };
  errors.add('cursor', INVALID_CURSOR_MESSAGE);
  return { cursor: null, invalid: raw ?? '' };
}

/**
 * The error of invalid query parameters: when the cursor is one of them the message is exactly
 * `Invalid cursor: '<value>'` (errors.md §5.1), otherwise the generic validation error; the
 * details list every invalid parameter either way.
 */
export function queryParamsError(errors: FieldErrorCollector, invalidCursor: string | null): ApiError {
  const details = errors.toFieldErrors();
  return invalidCursor === null ? toValidationError(details) : { ...invalidCursorError(invalidCursor), details };
}

/**
 * The `limit` query parameter (pagination.md §1): parsed only when it matches `^-?[0-9]+$`,
 * then clamped to 1–200; anything else (absent, empty, `abc`, `10.5`, `+5`, ` 5`, `1e2`) → 50.
 * `range` gives another default and maximum with the same rule (the change feed: 100, 1–1000).
 */
export function parseLimit(raw: string | undefined | null, range: { fallback: number; max: number } = { fallback: DEFAULT_LIMIT, max: MAX_LIMIT }): number {
  if (typeof raw !== 'string' || !/^-?[0-9]+$/.test(raw)) return range.fallback;
  const n = Number(raw);
  if (n < MIN_LIMIT) return MIN_LIMIT;
  if (n > range.max) return range.max;
  return n;
}
