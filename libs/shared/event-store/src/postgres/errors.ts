import { DuplicateEventIdError, EventStoreUnavailableError, WrongExpectedVersionError } from '../port';

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
]);

/** SQLSTATEs saying the server went away or refuses work, not that the request was wrong. */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
]);

/** Messages node-postgres uses for connection failures that carry no code. */
const CONNECTION_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /cannot use a pool after calling end/i,
  /client has encountered a connection error and is not queryable/i,
  /client was closed and is not queryable/i,
  /connection not open/i,
];

/** True when `error` says the database could not be reached or dropped the connection. */
export function isConnectionError(error: unknown): boolean {
  // Structural checks, not instanceof: Node's socket errors come from another realm under Jest.
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, errors } = error as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_ERROR_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08')) return true;
  }
  if (Array.isArray(errors) && errors.some(isConnectionError)) return true; // AggregateError (IPv4 and IPv6 attempts)
  return typeof message === 'string' && CONNECTION_MESSAGES.some((pattern) => pattern.test(message));
}

/** Maps a driver error to the port's errors; anything else is returned unchanged. */
export function toEventStoreError(error: unknown): unknown {
  if (
    error instanceof WrongExpectedVersionError ||
    error instanceof DuplicateEventIdError ||
    error instanceof EventStoreUnavailableError
  ) {
    return error;
  }
  if (isConnectionError(error)) {
    return new EventStoreUnavailableError(`PostgreSQL event store unavailable: ${String((error as { message?: unknown }).message)}`, error);
  }
  return error;
}

/** The duplicate event id named in a unique-violation detail ("Key (event_id)=(…) already exists."). */
export function duplicateEventIdFromDetail(detail: string | undefined): string | undefined {
  return detail ? /\(event_id\)=\(([^)]+)\)/.exec(detail)?.[1] : undefined;
}
