import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { context, isSpanContextValid, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { type Observable, tap } from 'rxjs';
import { contextOfTraceparent, recordFailure, traceparentOf } from '@datamingle/messaging';

/**
 * Trace context across the services' TCP transport (docs/operations.md, "Tracing"): a call's
 * payload carries the caller's span as `traceparent` (TcpBalancer → tracedCall), the service
 * handles the message under a SERVER span child of it (MessageSpanInterceptor), and
 * ServiceMessageController.run hands that span on to the events the request stores
 * (continueTrace: their metadata `traceparent`, later the Kafka message's parent).
 *
 * `@opentelemetry/api` only. Tracing off, no span is ever active: tracedCall and continueTrace
 * cost one no-op lookup, and the interceptor is not installed at all.
 */

const tracer = trace.getTracer('@datamingle/platform');
const RPC_SYSTEM = 'nestjs_tcp';
/** Replies that are the service's failures (5xx), not the client's. */
const FAILURE_CODES = new Set(['INTERNAL_ERROR', 'SERVICE_UNAVAILABLE', 'GATEWAY_TIMEOUT']);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Sends `payload` under a CLIENT span `<pattern>` whose context replaces the payload's
 * `traceparent` (a copy; the caller's object is left as is) — only inside a trace: with no active
 * span (tracing off, or a call outside any request) the payload is sent unchanged.
 */
export function tracedCall<P, R>(pattern: string, payload: P, send: (payload: P) => Promise<R>): Promise<R> {
  if (!trace.getActiveSpan() || !isObject(payload)) return send(payload);
  return tracer.startActiveSpan(
    pattern,
    { kind: SpanKind.CLIENT, attributes: { 'rpc.system': RPC_SYSTEM, 'rpc.method': pattern } },
    async (span: Span) => {
      try {
        return await send({ ...payload, traceparent: traceparentOf(span.spanContext()) });
      } catch (error) {
        recordFailure(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * The request continues the active span (the message's SERVER span): its `traceparent`, which
 * the events it stores carry, becomes that span's. Without an active span it is left as it came.
 */
export function continueTrace(request: { traceparent?: string }): void {
  const span = trace.getActiveSpan();
  if (span && isSpanContextValid(span.spanContext())) request.traceparent = traceparentOf(span.spanContext());
}

/**
 * A service's message handled under a SERVER span `<pattern>`, child of the span in the
 * payload's `traceparent`; the handler runs with it active. A message without a valid
 * `traceparent` is not traced (services continue traces, the gateway starts them). Installed
 * (bootstrapService) only when tracing is on, so that nothing is added per message otherwise.
 */
export class MessageSpanInterceptor implements NestInterceptor {
  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (execution.getType() !== 'rpc') return next.handle();
    const rpc = execution.switchToRpc();
    const data: unknown = rpc.getData();
    const parent = isObject(data) ? contextOfTraceparent(data['traceparent']) : undefined;
    if (!parent) return next.handle();
    const transport = rpc.getContext<{ getPattern?: () => string } | undefined>();
    const pattern = transport?.getPattern?.() ?? execution.getHandler().name;
    const span = tracer.startSpan(pattern, { kind: SpanKind.SERVER, attributes: { 'rpc.system': RPC_SYSTEM, 'rpc.method': pattern } }, parent);
    // Nest binds the handler's async context when handle() is called: inside this one.
    return context.with(trace.setSpan(parent, span), () => next.handle()).pipe(
      tap({
        next: (reply) => noteReply(span, reply),
        error: (error: unknown) => recordFailure(span, error),
        finalize: () => span.end(),
      }),
    );
  }
}

/** A ServiceReply `{ ok: false, error: { code } }`: the code as an attribute, ERROR status for a service failure. */
function noteReply(span: Span, reply: unknown): void {
  if (!isObject(reply) || reply['ok'] !== false || !isObject(reply['error'])) return;
  const code = reply['error']['code'];
  if (typeof code !== 'string') return;
  span.setAttribute('datamingle.error_code', code);
  if (FAILURE_CODES.has(code)) span.setStatus({ code: SpanStatusCode.ERROR, message: code });
}

/**
 * Runs `work` outside any trace: background work a request merely triggers (a batched write of
 * many requests' records) does not belong to that request's trace, and its queries would otherwise
 * appear in it after the request ended.
 */
export function outsideTrace<T>(work: () => T): T {
  return context.with(ROOT_CONTEXT, work);
}
