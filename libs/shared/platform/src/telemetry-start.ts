// Entry `@datamingle/platform/telemetry`: imported on the first line of every process entry
// (apps/*/src/main.ts), before anything loads `http`, `pg` or `kafkajs`, so that the
// instrumentations can patch them. Starts tracing only when the OTEL_* variables configure it
// (telemetry.ts); the process name (`apps/<name>/dist/main.js`) is the default service.name.
// shutdownTelemetry: for an entry's own exit paths (it flushes on SIGTERM/SIGINT by itself).
import { processNameOf, startTelemetry } from './telemetry';

export { shutdownTelemetry } from './telemetry';

startTelemetry(processNameOf(require.main?.filename ?? process.argv[1] ?? 'datamingle'));
