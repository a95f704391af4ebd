import { type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = trace.getTracer('@datamingle/event-store-adapters');

/**
 * Runs an append of the adapters under a CLIENT span `event-store append` (child of the active
 * span: the service message being handled), with the database system, the number of streams and
 * events, and the stream's name when there is one (a bulk append of thousands of streams names
 * none: the attribute would be megabytes). `@opentelemetry/api` only: with no SDK registered it
 * is a no-op span.
 */
export function tracedAppend<T>(system: 'postgresql' | 'kurrentdb', streams: readonly string[], events: number, append: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(
    'event-store append',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system.name': system,
        'db.operation.name': 'append',
        'event_store.stream_count': streams.length,
        ...(streams.length === 1 ? { 'event_store.stream': streams[0]! } : {}),
        'event_store.events': events,
      },
    },
    async (span: Span) => {
      try {
        return await append();
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        if (error instanceof Error) span.recordException(error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
