import { processNameOf, shutdownTelemetry, startTelemetry, telemetryStarted, tracingConfigured } from './telemetry';

// The SDK module, mocked: the factory runs only if something requires it.
const sdk = { required: false, options: [] as unknown[], started: 0, shutdowns: 0 };
jest.mock('@opentelemetry/sdk-node', () => {
  sdk.required = true;
  return {
    NodeSDK: class {
      constructor(options: unknown) {
        sdk.options.push(options);
      }
      start() {
        sdk.started++;
      }
      async shutdown() {
        sdk.shutdowns++;
      }
    },
  };
});

describe('telemetry: off unless the OTEL_* variables configure trace export', () => {
  it.each([
    [{}, false],
    [{ OTEL_SERVICE_NAME: 'orders', OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod' }, false],
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, true],
    [{ OTEL_TRACES_EXPORTER: 'console,otlp' }, true],
    [{ OTEL_TRACES_EXPORTER: 'none' }, false],
    [{ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'false' }, true],
  ])('%j → %s', (env, on) => {
    expect(tracingConfigured(env)).toBe(on);
  });

  it('names the process after its entry (apps/<name>/dist/main.js)', () => {
    expect(processNameOf('/app/apps/orders/dist/main.js')).toBe('orders');
    expect(processNameOf('/srv/datamingle/apps/gateway/src/main.ts')).toBe('gateway');
    expect(processNameOf('/opt/tools/admin.js')).toBe('admin');
  });

  describe('startTelemetry', () => {
    const listeners = () => [...process.listeners('SIGTERM'), ...process.listeners('SIGINT')];
    let before: ReturnType<typeof listeners>;
    beforeAll(() => {
      before = listeners();
    });
    afterAll(() => {
      // Neither the instrumentations' module hooks nor the flush-on-signal listeners may outlive the test in the Jest worker.
      for (const o of sdk.options) for (const i of (o as { instrumentations: { disable(): void }[] }).instrumentations) i.disable();
      for (const signal of ['SIGTERM', 'SIGINT'] as const) for (const l of process.listeners(signal)) if (!before.includes(l)) process.removeListener(signal, l);
    });

    it('with no OTEL_* variables the SDK is not started, not even required', () => {
      expect(startTelemetry('orders', {})).toBe(false);
      expect(startTelemetry('orders', { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBe(false);
      expect(telemetryStarted()).toBe(false);
      expect(sdk.required).toBe(false);
    });

    it('configured, starts the SDK once: the process name as service.name, the three instrumentations, traces only', async () => {
      expect(startTelemetry('orders', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' })).toBe(true);
      expect(startTelemetry('orders', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' })).toBe(true);
      expect(telemetryStarted()).toBe(true);
      expect(sdk.started).toBe(1);
      const options = sdk.options[0] as { serviceName?: string; instrumentations: { instrumentationName: string }[]; metricReaders: unknown[]; logRecordProcessors: unknown[] };
      expect(options.serviceName).toBe('orders');
      expect(options.instrumentations.map((i) => i.instrumentationName).sort()).toEqual([
        '@opentelemetry/instrumentation-http',
        '@opentelemetry/instrumentation-kafkajs',
        '@opentelemetry/instrumentation-pg',
      ]);
      expect(options.metricReaders).toEqual([]);
      expect(options.logRecordProcessors).toEqual([]);
      await shutdownTelemetry();
      expect(sdk.shutdowns).toBe(1);
      expect(telemetryStarted()).toBe(false);
    });

    it('OTEL_SERVICE_NAME (or service.name in OTEL_RESOURCE_ATTRIBUTES) names the service instead', async () => {
      startTelemetry('orders', { OTEL_TRACES_EXPORTER: 'console', OTEL_SERVICE_NAME: 'orders-eu' });
      await shutdownTelemetry();
      startTelemetry('orders', { OTEL_TRACES_EXPORTER: 'console', OTEL_RESOURCE_ATTRIBUTES: 'service.name=x' });
      await shutdownTelemetry();
      expect(sdk.options.slice(1).map((o) => (o as { serviceName?: string }).serviceName)).toEqual([undefined, undefined]);
    });
  });
});
