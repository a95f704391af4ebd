import { DuplicateEventIdError, EventStoreUnavailableError, WrongExpectedVersionError, writeOutcomeOf } from '@datamingle/event-store';

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

/** node-postgres refuses to send a query on a client in these states: the statement never left the process. */
const NOT_SENT_MESSAGES = [
  /client has encountered a connection error and is not queryable/i,
  /client was closed and is not queryable/i,
  /cannot use a pool after calling end/i,
];

/**
 * SQLSTATE classes that never prove a statement did not commit: 57 (operator intervention: a
 * terminated backend or a cancel can be reported after the commit was recorded), 58 (system
 * error, e.g. I/O at WAL flush), XX (internal error), 08 (connection exception).
 */
const IN_DOUBT_SQLSTATE_CLASSES = /^(?:57|58|XX|08)/;

/**
 * True when a failed commit-bearing statement (an autocommit statement, a COMMIT) certainly did
 * not commit: PostgreSQL answered it with an ERROR (the statement's transaction rolled back), it
 * was rejected by the adapter's own checks (wrong expected version, duplicate event id), or
 * node-postgres never sent it. A lost connection, a FATAL (e.g. the backend was terminated), a
 * client-side timeout or anything unrecognised is not definitive: the commit may have happened.
 */
export function isDefinitiveFailure(error: unknown): boolean {
  if (error instanceof WrongExpectedVersionError || error instanceof DuplicateEventIdError) return true;
  if (error instanceof EventStoreUnavailableError) return isDefinitiveFailure(error.cause);
  if (typeof error !== 'object' || error === null || writeOutcomeOf(error) !== 'none') return false;
  const { code, message, severity } = error as { code?: unknown; message?: unknown; severity?: unknown };
  if (typeof message === 'string' && NOT_SENT_MESSAGES.some((pattern) => pattern.test(message))) return true;
  // A server error response: a SQLSTATE, not FATAL/PANIC (which end the session, possibly after the commit).
  return (
    typeof code === 'string' &&
    /^[0-9A-Z]{5}$/.test(code) &&
    !IN_DOUBT_SQLSTATE_CLASSES.test(code) &&
    severity !== 'FATAL' &&
    severity !== 'PANIC' &&
    !isConnectionError(error)
  );
}

/** Maps a driver error to the port's errors; anything else (e.g. a WriteInDoubtError) is returned unchanged. */
export function toEventStoreError(error: unknown): unknown {
  if (
    writeOutcomeOf(error) !== 'none' ||
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
