import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { node, tracing } from '@opentelemetry/sdk-node';
import { defer, lastValueFrom, of } from 'rxjs';
import type { ServiceReply, ServiceRequest } from '@datamingle/contracts';
import { ServiceMessageController } from './failures';
import type { Logger } from './logger';
import { type ServiceAddress, TcpBalancer, type TransportClient } from './service-client';
import { continueTrace, MessageSpanInterceptor, outsideTrace, tracedCall } from './tracing';

const CLIENT_TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const exporter = new tracing.InMemorySpanExporter();
const provider = new node.NodeTracerProvider({ spanProcessors: [new tracing.SimpleSpanProcessor(exporter)] });
const tracer = trace.getTracer('spec');
const traceparentOf = (span: { spanContext(): { traceId: string; spanId: string } }) => `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`;
const parentOf = (span: tracing.ReadableSpan) => span.parentSpanContext?.spanId;

describe('tracing off (no SDK registered): nothing changes', () => {
  it('sends the payload as given and leaves the request traceparent as it came', async () => {
    const payload = { tenantId: 't', traceparent: CLIENT_TRACEPARENT };
    const sent = await tracedCall('orders.create', payload, async (p) => p);
    expect(sent).toBe(payload);
    const request = { traceparent: CLIENT_TRACEPARENT };
    continueTrace(request);
    expect(request.traceparent).toBe(CLIENT_TRACEPARENT);
  });
});

describe('tracing on (in-memory exporter)', () => {
  beforeAll(() => provider.register());
  afterAll(() => provider.shutdown());
  beforeEach(() => exporter.reset());

  it('outsideTrace: work a request triggers runs with no active span, and its calls start no span', async () => {
    const payload = { tenantId: 't' };
    const inside = await tracer.startActiveSpan('gateway', async (parent) => {
      const result = await outsideTrace(async () => ({ active: trace.getActiveSpan(), sent: await tracedCall('orders.create', payload, async (p) => p) }));
      parent.end();
      return result;
    });
    expect(inside.active).toBeUndefined();
    expect(inside.sent).toBe(payload);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['gateway']);
  });

  it('tracedCall: a CLIENT span child of the active span, whose traceparent the payload carries (a copy)', async () => {
    const payload = { tenantId: 't', traceparent: CLIENT_TRACEPARENT };
    const { sent, parent } = await tracer.startActiveSpan('gateway', async (parent) => {
      const sent = await tracedCall('orders.create', payload, async (p) => p);
      parent.end();
      return { sent, parent };
    });
    const client = exporter.getFinishedSpans().find((s) => s.name === 'orders.create')!;
    expect(client.kind).toBe(SpanKind.CLIENT);
    expect(parentOf(client)).toBe(parent.spanContext().spanId);
    expect(sent).toEqual({ tenantId: 't', traceparent: traceparentOf(client) });
    expect(payload.traceparent).toBe(CLIENT_TRACEPARENT);
  });

  it('tracedCall: no span and the payload unchanged outside a trace; a failed call is an ERROR span', async () => {
    const payload = { tenantId: 't' };
    expect(await tracedCall('orders.create', payload, async (p) => p)).toBe(payload);
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    await tracer.startActiveSpan('gateway', async (parent) => {
      await expect(tracedCall('orders.create', payload, () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
      parent.end();
    });
    expect(exporter.getFinishedSpans().find((s) => s.name === 'orders.create')!.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'refused' });
  });

  it('TcpBalancer.send puts the CLIENT span traceparent into the payload sent on the transport', async () => {
    const sent: unknown[] = [];
    const client: TransportClient = {
      connect: () => Promise.resolve(),
      send: <R, P>(_pattern: string, payload: P) => {
        sent.push(payload);
        return of({ ok: true } as R);
      },
      close: () => undefined,
    };
    const balancer = new TcpBalancer({ host: '127.0.0.1', port: 1 }, { createClient: (_a: ServiceAddress) => client });
    await tracer.startActiveSpan('orders.create', async (span) => {
      await balancer.send('products.resolve-skus', { tenantId: 't', skus: ['A'] }, 1_000);
      span.end();
    });
    await balancer.send('health', {}, 1_000);
    const call = exporter.getFinishedSpans().find((s) => s.name === 'products.resolve-skus')!;
    expect(sent).toEqual([{ tenantId: 't', skus: ['A'], traceparent: traceparentOf(call) }, {}]);
  });

  it('MessageSpanInterceptor: the handler runs under a SERVER span child of the payload traceparent; run() hands it to the request', async () => {
    class Controller extends ServiceMessageController {
      handle(r: ServiceRequest) {
        return this.run('orders.create', r, async (): Promise<ServiceReply> => ({ ok: false, error: { code: 'INTERNAL_ERROR', message: 'x' } }));
      }
    }
    const controller = new Controller({} as Logger);
    const request: ServiceRequest = { tenantId: 't', tenantSlug: 'acme', requestId: 'r', traceparent: CLIENT_TRACEPARENT, query: {}, body: {} };
    const execution = {
      getType: () => 'rpc',
      switchToRpc: () => ({ getData: () => request, getContext: () => ({ getPattern: () => 'orders.create' }) }),
      getHandler: () => controller.handle,
    } as unknown as ExecutionContext;
    // Like Nest: the handler runs when handle() is subscribed, in the async context handle() was called in.
    let activeInHandler: string | undefined;
    const handler: CallHandler = {
      handle: () => {
        const bound = context.bind(context.active(), () => {
          activeInHandler = trace.getActiveSpan()?.spanContext().spanId;
          return controller.handle(request);
        });
        return defer(bound);
      },
    };
    const reply = await lastValueFrom(new MessageSpanInterceptor().intercept(execution, handler));
    expect(reply).toMatchObject({ ok: false });
    const [server] = exporter.getFinishedSpans();
    expect(server!.name).toBe('orders.create');
    expect(server!.kind).toBe(SpanKind.SERVER);
    expect(server!.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(parentOf(server!)).toBe('00f067aa0ba902b7');
    expect(activeInHandler).toBe(server!.spanContext().spanId);
    expect(request.traceparent).toBe(traceparentOf(server!));
    expect(server!.attributes['datamingle.error_code']).toBe('INTERNAL_ERROR');
    expect(server!.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('MessageSpanInterceptor: a message without a valid traceparent, or over HTTP, is handled untraced', async () => {
    const rpc = (data: unknown) =>
      ({ getType: () => 'rpc', switchToRpc: () => ({ getData: () => data, getContext: () => undefined }), getHandler: () => () => undefined }) as unknown as ExecutionContext;
    const handler: CallHandler = { handle: () => of(trace.getActiveSpan()) };
    expect(await lastValueFrom(new MessageSpanInterceptor().intercept(rpc({ traceparent: 'garbage' }), handler))).toBeUndefined();
    expect(await lastValueFrom(new MessageSpanInterceptor().intercept(rpc(null), handler))).toBeUndefined();
    const http = { getType: () => 'http' } as unknown as ExecutionContext;
    expect(await lastValueFrom(new MessageSpanInterceptor().intercept(http, handler))).toBeUndefined();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });
});
