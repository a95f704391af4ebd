import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { Client } from 'pg';
import { Patterns } from '@datamingle/contracts';
import { eventually, startTestPlatform, type TestPlatform } from '@datamingle/testing';
import { KafkaMock } from './testing-support/kafka-mock';

/**
 * OpenTelemetry tracing (docs/operations.md, "Tracing"). The processes are separate, so the
 * "in-memory span exporter" is an OTLP/HTTP (JSON) receiver in this test: the platform exports
 * to it through the standard OTEL_* variables and it keeps every span it receives.
 *
 * On: one `POST orders/` is one trace, rooted at the gateway's HTTP SERVER span, through orders,
 * catalog (SKU check), the event-store append and the Kafka publish; the Kafka message carries
 * the trace's `traceparent`. Off (the default, no OTEL_* variables): no span is exported and no
 * `traceparent` is invented — a message carries one only when the caller sent it, unchanged.
 */

/** OTLP span kinds (the API's SpanKind + 1). */
const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  service: string;
  attributes: Record<string, unknown>;
}

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number; arrayValue?: { values?: OtlpValue[] } };
type OtlpAttributes = Array<{ key: string; value: OtlpValue }> | undefined;

function valueOf(v: OtlpValue): unknown {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(valueOf);
  return undefined;
}

function attributesOf(list: OtlpAttributes): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((a) => [a.key, valueOf(a.value)]));
}

/** An OTLP/HTTP receiver (JSON, gzip or not) that keeps what it receives; `requests` counts every request, whatever its path or encoding. */
class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly requests: Array<{ path: string; contentType: string }> = [];
  private readonly servers: Server[] = [];

  /** Listens on `host:port` (0: any free port) and returns the port. */
  async listen(host = '127.0.0.1', port = 0): Promise<number> {
    const server = createServer((req, res) => {
      void this.receive(req).then(
        () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{}');
        },
        () => {
          res.writeHead(400);
          res.end();
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.servers.push(server);
    return (server.address() as AddressInfo).port;
  }

  private async receive(req: IncomingMessage): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const contentType = String(req.headers['content-type'] ?? '');
    this.requests.push({ path: req.url ?? '', contentType });
    if (req.url !== '/v1/traces' || !contentType.startsWith('application/json')) return;
    let body = Buffer.concat(chunks);
    if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
    const request = JSON.parse(body.toString('utf8')) as {
      resourceSpans?: Array<{
        resource?: { attributes?: OtlpAttributes };
        scopeSpans?: Array<{ spans?: Array<{ traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: OtlpAttributes }> }>;
      }>;
    };
    for (const rs of request.resourceSpans ?? []) {
      const service = String(attributesOf(rs.resource?.attributes)['service.name'] ?? '');
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          this.spans.push({
            traceId: s.traceId,
            spanId: s.spanId,
            ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
            name: s.name,
            kind: s.kind,
            service,
            attributes: attributesOf(s.attributes),
          });
        }
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.servers.length = 0;
  }
}

interface Message {
  key: string;
  value: Record<string, unknown>;
  headers: Record<string, string>;
}

/** A consumer (fresh group) of `topic` from the beginning, keeping every message by event id. */
async function consume(brokers: string[], topic: string, received: Map<string, Message>): Promise<Consumer> {
  const consumer = new Kafka({ clientId: 'e2e-tracing', brokers, logLevel: logLevel.NOTHING }).consumer({ groupId: `e2e-tracing-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const value = JSON.parse(message.value!.toString()) as Record<string, unknown>;
      received.set(String(value['id']), {
        key: message.key!.toString(),
        value,
        headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
      });
    },
  });
  return consumer;
}

/** The stored OrderCreated event of an order number: its id and metadata. */
async function orderCreated(databaseUrl: string, orderNumber: string): Promise<{ id: string; metadata: Record<string, unknown> }> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ id: string; metadata: Record<string, unknown> }>(
      `SELECT event_id::text AS id, metadata FROM event_store.events WHERE event_type = 'OrderCreated' AND data->>'order_number' = $1`,
      [orderNumber],
    );
    expect(rows).toHaveLength(1);
    return rows[0]!;
  } finally {
    await db.end();
  }
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

/** Every OTEL_* variable of the test's own environment, removed (a spawned process gets none of them). */
const withoutOtel = (): NodeJS.ProcessEnv => Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith('OTEL_')).map((k) => [k, undefined]));

const kafkaMock = new KafkaMock();
let brokers: string[] = [];

beforeAll(() => {
  brokers = kafkaMock.start().split(',');
}, 60_000);

afterAll(() => {
  kafkaMock.stop();
}, 30_000);

describe('tracing on (OTEL_* configured): one POST orders/ is one trace', () => {
  const receiver = new OtlpReceiver();
  const messages = new Map<string, Message>();
  let platform: TestPlatform;
  let consumer: Consumer | undefined;
  let key: string;

  beforeAll(async () => {
    const port = await receiver.listen();
    platform = await startTestPlatform({
      env: {
        ...withoutOtel(),
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${port}/v1/traces`,
        OTEL_BSP_SCHEDULE_DELAY: '200',
        KAFKA_BROKERS: brokers.join(','),
        KAFKA_TOPIC_PREFIX: 'traced',
      },
    });
    await platform.createTenant('acme');
    ({ key } = await platform.createKey('acme'));
    consumer = await consume(brokers, 'traced.orders.events.v1', messages);
  }, 120_000);

  afterAll(async () => {
    await consumer?.disconnect();
    await platform?.stop();
    await receiver.close();
  }, 60_000);

  it('spans gateway → orders → catalog → event-store append → Kafka publish, linked parent to child; the message carries the traceparent', async () => {
    const product = await platform.request('POST', '/api/integrations/v1/products/', { key, body: { sku: 'TR-1' } });
    expect(product.status).toBe(201);
    const order = await platform.request('POST', '/api/integrations/v1/orders/', { key, body: { order_number: 'TR-ORD-1', items: [{ sku_code: 'TR-1', quantity: 2 }] } });
    expect(order.status).toBe(201);
    const stored = await orderCreated(platform.databaseUrl, 'TR-ORD-1');

    // The order's trace: the one of the orders service's SERVER span for `orders.create`.
    const serverSpan = (service: string, pattern: string) => receiver.spans.filter((s) => s.service === service && s.kind === SERVER && s.name === pattern);
    const ordersServer = await eventually(() => {
      const found = serverSpan('orders', Patterns.orders.create);
      expect(found).toHaveLength(1);
      return found[0]!;
    }, 20_000, 100);
    const traceId = ordersServer.traceId;
    const inTrace = () => receiver.spans.filter((s) => s.traceId === traceId);

    // Wait for the whole trace: the Kafka message, the PRODUCER span (ended at the broker's ack) and every parent.
    const message = await eventually(() => {
      const m = messages.get(stored.id);
      expect(m).toBeDefined();
      return m!;
    }, 30_000, 100);
    const spans = await eventually(() => {
      const all = inTrace();
      expect(all.some((s) => s.kind === PRODUCER)).toBe(true);
      const ids = new Set(all.map((s) => s.spanId));
      expect(all.filter((s) => s.parentSpanId !== undefined && !ids.has(s.parentSpanId))).toEqual([]);
      return all;
    }, 20_000, 100);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const ancestors = (span: ReceivedSpan): ReceivedSpan[] => {
      const chain: ReceivedSpan[] = [];
      for (let s = span.parentSpanId ? byId.get(span.parentSpanId) : undefined; s; s = s.parentSpanId ? byId.get(s.parentSpanId) : undefined) chain.push(s);
      return chain;
    };

    // One root: the gateway's HTTP SERVER span of the POST (no traceparent was sent).
    const roots = spans.filter((s) => s.parentSpanId === undefined);
    expect(roots).toHaveLength(1);
    const root = roots[0]!;
    expect(root).toMatchObject({ service: 'gateway', kind: SERVER });
    expect(root.attributes['http.method'] ?? root.attributes['http.request.method']).toBe('POST');
    expect(String(root.attributes['http.target'] ?? root.attributes['url.path'])).toBe('/api/integrations/v1/orders/');
    // Every span of the trace descends from it.
    for (const s of spans) if (s !== root) expect(ancestors(s).at(-1)).toBe(root);

    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(['gateway', 'orders', 'catalog']));

    // gateway CLIENT orders.create → orders SERVER orders.create.
    const gatewayCall = byId.get(ordersServer.parentSpanId!)!;
    expect(gatewayCall).toMatchObject({ service: 'gateway', kind: CLIENT, name: Patterns.orders.create });
    expect(ancestors(gatewayCall)[0]).toBe(root);

    // orders CLIENT products.resolve-skus → catalog SERVER products.resolve-skus.
    const catalogServer = spans.find((s) => s.service === 'catalog' && s.kind === SERVER);
    expect(catalogServer?.name).toBe(Patterns.products.resolveSkus);
    const skuCall = byId.get(catalogServer!.parentSpanId!)!;
    expect(skuCall).toMatchObject({ service: 'orders', kind: CLIENT, name: Patterns.products.resolveSkus });
    expect(ancestors(skuCall)[0]).toBe(ordersServer);

    // The event-store append, under the orders message.
    const appends = spans.filter((s) => s.name === 'event-store append');
    expect(appends).toHaveLength(1);
    expect(appends[0]).toMatchObject({ service: 'orders', kind: CLIENT });
    expect(appends[0]!.attributes).toMatchObject({ 'db.system.name': 'postgresql', 'event_store.events': 1 });
    expect(ancestors(appends[0]!)).toContain(ordersServer);

    // The stored event carries the orders message's span; the PRODUCER span is its child.
    expect(stored.metadata['traceparent']).toBe(`00-${traceId}-${ordersServer.spanId}-01`);
    const producers = spans.filter((s) => s.kind === PRODUCER);
    expect(producers).toHaveLength(1);
    const producer = producers[0]!;
    expect(producer).toMatchObject({ service: 'orders', name: 'send traced.orders.events.v1', parentSpanId: ordersServer.spanId });
    expect(producer.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.destination.name': 'traced.orders.events.v1', 'messaging.message.id': stored.id });

    // The Kafka message's traceparent: this trace, the PRODUCER span.
    expect(message.headers['traceparent']).toMatch(TRACEPARENT);
    expect(message.headers['traceparent']).toBe(`00-${traceId}-${producer.spanId}-01`);

    // No other trace holds spans of this request's messages.
    expect(receiver.spans.filter((s) => s.name === Patterns.products.resolveSkus && s.traceId !== traceId)).toEqual([]);
    // Traces only: no metrics or logs are exported.
    expect(new Set(receiver.requests.map((r) => r.path))).toEqual(new Set(['/v1/traces']));
  }, 90_000);

  it("a caller's traceparent is continued: the gateway's span is its child, the message carries the caller's trace id", async () => {
    const callerTrace = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const order = await platform.request('POST', '/api/integrations/v1/orders/', {
      key,
      body: { order_number: 'TR-ORD-2', items: [{ sku_code: 'TR-1', quantity: 1 }] },
      headers: { traceparent: `00-${callerTrace}-${callerSpan}-01` },
    });
    expect(order.status).toBe(201);
    const stored = await orderCreated(platform.databaseUrl, 'TR-ORD-2');
    const message = await eventually(() => {
      const m = messages.get(stored.id);
      expect(m).toBeDefined();
      return m!;
    }, 30_000, 100);
    expect(message.headers['traceparent']).toMatch(new RegExp(`^00-${callerTrace}-[0-9a-f]{16}-01$`));
    expect(message.headers['traceparent']).not.toBe(`00-${callerTrace}-${callerSpan}-01`);
    await eventually(() => {
      const root = receiver.spans.find((s) => s.traceId === callerTrace && s.service === 'gateway' && s.kind === SERVER);
      expect(root?.parentSpanId).toBe(callerSpan);
    }, 20_000, 100);
  }, 60_000);
});

describe('tracing off (the default): nothing exported, no traceparent invented', () => {
  // Were the SDK started anyway, its OTLP exporter would send to its default endpoint, localhost:4318.
  const defaultEndpoint = new OtlpReceiver();
  let listening = false;
  const messages = new Map<string, Message>();
  let platform: TestPlatform;
  let consumer: Consumer | undefined;
  let key: string;

  beforeAll(async () => {
    try {
      await defaultEndpoint.listen('127.0.0.1', 4318);
      listening = true;
      await defaultEndpoint.listen('::1', 4318).catch(() => undefined); // no IPv6 loopback: 127.0.0.1 is enough
    } catch {
      // Something else holds the port (a local collector): that part of the check is skipped.
      console.warn('tracing e2e: 127.0.0.1:4318 is taken; "nothing exported" is not checked');
    }
    platform = await startTestPlatform({
      env: {
        ...withoutOtel(),
        // Neither turns tracing on; they would only make a wrongly started SDK export quickly.
        OTEL_BSP_SCHEDULE_DELAY: '200',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        KAFKA_BROKERS: brokers.join(','),
        KAFKA_TOPIC_PREFIX: 'untraced',
      },
    });
    await platform.createTenant('acme');
    ({ key } = await platform.createKey('acme'));
    consumer = await consume(brokers, 'untraced.orders.events.v1', messages);
  }, 120_000);

  afterAll(async () => {
    await consumer?.disconnect();
    await platform?.stop();
    await defaultEndpoint.close();
  }, 60_000);

  it("a message carries no traceparent unless the caller sent one, and then the caller's own", async () => {
    const callerTraceparent = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
    expect((await platform.request('POST', '/api/integrations/v1/products/', { key, body: { sku: 'UT-1' } })).status).toBe(201);
    const plain = await platform.request('POST', '/api/integrations/v1/orders/', { key, body: { order_number: 'UT-ORD-1', items: [{ sku_code: 'UT-1', quantity: 1 }] } });
    expect(plain.status).toBe(201);
    const carried = await platform.request('POST', '/api/integrations/v1/orders/', {
      key,
      body: { order_number: 'UT-ORD-2', items: [{ sku_code: 'UT-1', quantity: 1 }] },
      headers: { traceparent: callerTraceparent },
    });
    expect(carried.status).toBe(201);

    const first = await orderCreated(platform.databaseUrl, 'UT-ORD-1');
    const second = await orderCreated(platform.databaseUrl, 'UT-ORD-2');
    expect(first.metadata['traceparent']).toBeUndefined();
    expect(second.metadata['traceparent']).toBe(callerTraceparent);
    const [m1, m2] = await eventually(() => {
      const pair = [messages.get(first.id), messages.get(second.id)];
      expect(pair.every((m) => m !== undefined)).toBe(true);
      return pair as [Message, Message];
    }, 30_000, 100);
    expect(m1.headers['traceparent']).toBeUndefined();
    expect(m2.headers['traceparent']).toBe(callerTraceparent);

    // Several export intervals later, nothing has reached the default endpoint.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    if (listening) expect(defaultEndpoint.requests).toEqual([]);
  }, 60_000);
});
