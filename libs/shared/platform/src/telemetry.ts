import { basename, dirname, extname } from 'node:path';
import type { NodeSDK } from '@opentelemetry/sdk-node';

/**
 * OpenTelemetry tracing of one process (docs/operations.md, "Tracing").
 *
 * Off unless configured by the standard variables: on when `OTEL_TRACES_EXPORTER` names an
 * exporter (not `none`), or when `OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`
 * is set; `OTEL_SDK_DISABLED=true` and `OTEL_TRACES_EXPORTER=none` always win. Off, the SDK and the
 * instrumentations are never even required: the only tracing code that runs is
 * `@opentelemetry/api` calls without a registered SDK (no-ops).
 *
 * On, the NodeSDK starts with the HTTP, pg and kafkajs instrumentations. They patch their modules
 * when those are required, so this must run before anything loads `http`, `pg` or `kafkajs`: the
 * process entries import `@datamingle/platform/telemetry` (telemetry-start.ts) on their first line.
 * Exporters, sampler, propagators, batch settings: the SDK's own `OTEL_*` variables. Only traces
 * are exported unless `OTEL_METRICS_EXPORTER` / `OTEL_LOGS_EXPORTER` are set (the platform's
 * metrics are Prometheus, on /metrics).
 */

/** True when the environment configures trace export (see the module comment). */
export function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = (name: string) => env[name]?.trim() ?? '';
  if (value('OTEL_SDK_DISABLED').toLowerCase() === 'true') return false;
  const exporters = value('OTEL_TRACES_EXPORTER')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== '');
  if (exporters.includes('none')) return false;
  return exporters.length > 0 || value('OTEL_EXPORTER_OTLP_ENDPOINT') !== '' || value('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') !== '';
}

/** The process name of an entry file: `apps/<name>/dist/main.js` → `<name>`, otherwise the file's name. */
export function processNameOf(entryFile: string): string {
  const dir = dirname(entryFile);
  if (basename(entryFile, extname(entryFile)) === 'main' && ['dist', 'src'].includes(basename(dir))) return basename(dirname(dir));
  return basename(entryFile, extname(entryFile));
}

/** Incoming requests that never start a trace: probes, metrics scrapes, the API reference. */
const UNTRACED_PATHS = /^\/(?:healthz|readyz|metrics|docs)(?:[/?]|$)/;

let sdk: NodeSDK | null = null;

/** True once startTelemetry started the SDK in this process. */
export function telemetryStarted(): boolean {
  return sdk !== null;
}

/**
 * Starts tracing when the environment configures it (tracingConfigured); `service.name` is
 * `OTEL_SERVICE_NAME` (or `service.name` in `OTEL_RESOURCE_ATTRIBUTES`), else `processName`.
 * Returns whether tracing is on. On SIGTERM/SIGINT the spans still buffered are exported before
 * the process ends (shutdownTelemetry).
 */
export function startTelemetry(processName: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (sdk) return true;
  if (!tracingConfigured(env)) return false;
  // CommonJS requires at call time: with tracing off none of this is ever loaded.
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const { KafkaJsInstrumentation } = require('@opentelemetry/instrumentation-kafkajs') as typeof import('@opentelemetry/instrumentation-kafkajs');
  const named = (env['OTEL_SERVICE_NAME']?.trim() ?? '') !== '' || /(?:^|,)\s*service\.name\s*=/.test(env['OTEL_RESOURCE_ATTRIBUTES'] ?? '');
  sdk = new NodeSDK({
    ...(named ? {} : { serviceName: processName }),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ''),
        // Outgoing HTTP calls outside a request (e.g. the launcher's readiness polls) start no trace.
        requireParentforOutgoingSpans: true,
      }),
      // The background loops (projections, relays, key usage) query all the time: only queries of a traced request get spans.
      new PgInstrumentation({ requireParentSpan: true }),
      new KafkaJsInstrumentation(),
    ],
    ...(env['OTEL_METRICS_EXPORTER'] ? {} : { metricReaders: [] }),
    ...(env['OTEL_LOGS_EXPORTER'] ? {} : { logRecordProcessors: [] }),
  });
  sdk.start();
  flushOnSignals();
  return true;
}

/** Exports the spans still buffered and stops the SDK (at most `timeoutMs`); a no-op when tracing is off. */
export async function shutdownTelemetry(timeoutMs = 5_000): Promise<void> {
  const running = sdk;
  if (!running) return;
  sdk = null;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    running.shutdown().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    }),
  ]);
  clearTimeout(timer);
}

/**
 * SIGTERM/SIGINT: the application's own shutdown (Nest's shutdown hooks) runs first — it
 * removes its listener and raises the signal again once done — then, as the last listener, the
 * spans are flushed and the signal is raised again with no listener left, so the process ends
 * the way it would have.
 */
function flushOnSignals(): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const onSignal = (): void => {
      if (process.listenerCount(signal) > 1) return;
      process.removeListener(signal, onSignal);
      void shutdownTelemetry().finally(() => process.kill(process.pid, signal));
    };
    process.on(signal, onSignal);
  }
}
