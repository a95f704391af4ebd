/** A caller-supplied request ID is echoed only when it matches this (conventions.md §10). */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:/+=-]{1,128}$/;

export function isValidRequestId(value: string | undefined): value is string {
  return value !== undefined && REQUEST_ID_PATTERN.test(value);
}

/** The caller's `X-Request-ID` when it is acceptable, else a freshly generated one. */
export function resolveRequestId(headerValue: string | undefined, generate: () => string): string {
  return isValidRequestId(headerValue) ? headerValue : generate();
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * W3C Trace Context `traceparent` check: version `ff` is invalid, trace and parent IDs must not be
 * all zeros, version `00` has no further fields; later versions may append fields after a dash.
 */
export function isValidTraceparent(value: string | undefined): value is string {
  if (value === undefined) return false;
  const m = TRACEPARENT.exec(value);
  if (!m) return false;
  const [, version, traceId, parentId, , rest] = m;
  if (version === 'ff') return false;
  if (version === '00' && rest !== undefined) return false;
  if (/^0+$/.test(traceId!) || /^0+$/.test(parentId!)) return false;
  return true;
}
