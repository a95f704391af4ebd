import { type Context, isSpanContextValid, ROOT_CONTEXT, type Span, type SpanContext, SpanStatusCode, trace } from '@opentelemetry/api';

/**
 * W3C Trace Context `traceparent` values, read and written here directly (not through the
 * global propagator), because the field that carries them (ServiceRequest.traceparent, event
 * metadata, the Kafka header) is a `traceparent` whatever OTEL_PROPAGATORS says. Only
 * `@opentelemetry/api`: with no SDK registered every call here is a no-op.
 */

// version-traceid-parentid-flags; a later version may append fields (W3C: parse the first four).
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;

/** The `traceparent` of a span context: `00-<trace id>-<span id>-<flags>`. */
export function traceparentOf(spanContext: SpanContext): string {
  return `00-${spanContext.traceId}-${spanContext.spanId}-${(spanContext.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** The remote span context of a valid `traceparent`, or undefined (absent, malformed, version ff, all-zero ids). */
export function spanContextOfTraceparent(traceparent: unknown): SpanContext | undefined {
  if (typeof traceparent !== 'string') return undefined;
  const m = TRACEPARENT.exec(traceparent);
  if (!m || m[1] === 'ff' || (m[1] === '00' && traceparent.length !== 55)) return undefined;
  const spanContext: SpanContext = { traceId: m[2]!, spanId: m[3]!, traceFlags: parseInt(m[4]!, 16), isRemote: true };
  return isSpanContextValid(spanContext) ? spanContext : undefined;
}

/** `base` (default: the root context) with the `traceparent`'s span as parent, or undefined when it is not valid. */
export function contextOfTraceparent(traceparent: unknown, base: Context = ROOT_CONTEXT): Context | undefined {
  const spanContext = spanContextOfTraceparent(traceparent);
  return spanContext ? trace.setSpanContext(base, spanContext) : undefined;
}

/** Marks a span failed by `error` (exception event and ERROR status). */
export function recordFailure(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}
