import type { KeyLimitsObserver } from '@datamingle/gateway-infrastructure';
import { mergeExpositions, MetricsRegistry, within, type Counter, type MetricsRegistryOptions, type Gauge, type Histogram } from '@datamingle/platform';
import type { IntegrationLogWriterObserver } from './integration-log-writer';

/** A service whose metrics the gateway's /metrics includes. */
export interface ServiceMetricsSource {
  service: string;
  /** The service's exposition (Prometheus text format); rejects when it does not answer within `timeoutMs`. */
  read(timeoutMs: number): Promise<string>;
}

/** Longest wait for a service's metrics; a service that does not answer by then is left out of the scrape. */
export const SERVICE_METRICS_TIMEOUT_MS = 1_000;

/**
 * The gateway's /metrics (Prometheus text format): its own request counts and latencies by route
 * and status and its service-call latencies, kept in process, followed by the metrics of each
 * service (event-store appends, projections) fetched over the transport at scrape time and merged
 * family by family.
 */
export class Metrics {
  private readonly registry: MetricsRegistry;
  private readonly requests: Counter;
  private readonly latency: Histogram;
  private readonly serviceLatency: Histogram;
  private readonly serviceUp: Gauge;
  private readonly dropped: Counter;
  private readonly bodyBytes: Gauge;
  private readonly throttled: Counter;
  private readonly slotQueued: Counter;
  private readonly slotWait: Histogram;
  private readonly slotAcquired: Counter;
  private readonly slotRoundTrips: Counter;
  private bodyBytesSource: () => number = () => 0;

  constructor(
    private readonly services: readonly ServiceMetricsSource[] = [],
    private readonly timeoutMs = SERVICE_METRICS_TIMEOUT_MS,
    options: MetricsRegistryOptions = {},
  ) {
    this.registry = new MetricsRegistry(options);
    this.requests = this.registry.counter('datamingle_http_requests_total', 'Integration API requests by route, method and status.', [
      'route',
      'method',
      'status',
    ]);
    this.latency = this.registry.histogram('datamingle_http_request_duration_seconds', 'Integration API request latency.', ['route', 'method']);
    this.serviceLatency = this.registry.histogram('datamingle_service_call_duration_seconds', 'Gateway to service call latency.', ['service', 'pattern']);
    this.dropped = this.registry.counter(
      'datamingle_gateway_connections_dropped_total',
      'Client connections closed on arrival because GATEWAY_MAX_CONNECTIONS were open.',
    );
    this.bodyBytes = this.registry.gauge(
      'datamingle_gateway_body_bytes_buffered',
      'Bytes of request bodies the gateway holds in memory now (budget: GATEWAY_BODY_BUFFER_BYTES).',
    );
    // Per-key limits (limits-and-versioning.md §3–§4, KeyLimits).
    this.throttled = this.registry.counter('datamingle_gateway_rate_limited_total', 'Requests refused by their key\'s rate limit (429 RATE_LIMITED).');
    this.slotQueued = this.registry.counter(
      'datamingle_gateway_key_queue_total',
      'Requests that waited for a concurrency slot of their key (all 50 busy), by outcome: acquired, queue_timeout (503 after 30 s), queue_full (503 at once).',
      ['outcome'],
    );
    this.slotWait = this.registry.histogram(
      'datamingle_gateway_key_queue_wait_seconds',
      'Time requests waited for a concurrency slot of their key (requests that waited only), by outcome.',
      ['outcome'],
      [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30],
    );
    this.slotAcquired = this.registry.counter(
      'datamingle_gateway_key_slots_acquired_total',
      'Concurrency slots taken: source=local (a slot this gateway already leased, no database round trip) or database (after a claim).',
      ['source'],
    );
    this.slotRoundTrips = this.registry.counter(
      'datamingle_gateway_key_slot_round_trips_total',
      'Statements of the concurrency-slot leases sent to the database, by operation (claim, release, renew).',
      ['operation'],
    );
    this.serviceUp = this.registry.gauge(
      'datamingle_service_metrics_up',
      `1 if the service answered this scrape's metrics request within ${this.timeoutMs} ms (its families follow), else 0. ` +
        'The gateway reaches one replica of each service; scrape every pod (HEALTH_PORT /metrics) for all.',
      ['service'],
    );
  }

  observeRequest(route: string, method: string, status: number, seconds: number): void {
    this.requests.inc({ route, method, status: String(status) });
    this.latency.observe({ route, method }, seconds);
  }

  observeDroppedConnection(): void {
    this.dropped.inc({});
  }

  /**
   * The integration log writer's metrics (integration-logs.md §1): entries written, write
   * failures (each retried), entries dropped by reason, write latency, and — read at scrape time —
   * the lag (age of the oldest entry not yet written), the queue and its bytes.
   */
  integrationLogObserver(state: () => { lagSeconds: number; queued: number; bufferedBytes: number }): IntegrationLogWriterObserver {
    const written = this.registry.counter('datamingle_integration_log_entries_written_total', 'Integration log entries stored.');
    const failures = this.registry.counter('datamingle_integration_log_write_failures_total', 'Failed integration log writes (the batch is retried with backoff).');
    const dropped = this.registry.counter(
      'datamingle_integration_log_entries_dropped_total',
      'Integration log entries not stored, by reason: budget (the writer held its byte budget), rejected (refused by the database alone), shutdown (not written before the gateway stopped).',
      ['reason'],
    );
    const latency = this.registry.histogram('datamingle_integration_log_write_duration_seconds', 'Duration of one batched integration log INSERT.');
    const lag = this.registry.gauge('datamingle_integration_log_lag_seconds', 'Age of the oldest integration log entry not yet written (0 when none waits).');
    const queued = this.registry.gauge('datamingle_integration_log_queued_entries', 'Integration log entries waiting to be written.');
    const bytes = this.registry.gauge('datamingle_integration_log_buffered_bytes', 'Bytes (UTF-16 units of payload text) of the integration log entries held in memory.');
    lag.addCollector(() => [{ labels: {}, value: state().lagSeconds }]);
    queued.addCollector(() => [{ labels: {}, value: state().queued }]);
    bytes.addCollector(() => [{ labels: {}, value: state().bufferedBytes }]);
    return {
      written: (n, seconds) => {
        written.inc({}, n);
        latency.observe({}, seconds);
      },
      failed: () => failures.inc({}),
      dropped: (reason, n) => dropped.inc({ reason }, n),
    };
  }

  /** Where the scrape reads the bytes of bodies held. */
  trackBodyBytes(source: () => number): void {
    this.bodyBytesSource = source;
  }

  observeServiceCall(service: string, pattern: string, seconds: number): void {
    this.serviceLatency.observe({ service, pattern }, seconds);
  }

  /** What KeyLimits reports, counted here. */
  keyLimitsObserver(onBackgroundError?: KeyLimitsObserver['backgroundError']): KeyLimitsObserver {
    return {
      throttled: () => this.throttled.inc({}),
      slotAcquired: (source) => this.slotAcquired.inc({ source }),
      queued: (outcome, seconds) => {
        this.slotQueued.inc({ outcome });
        if (outcome !== 'queue_full') this.slotWait.observe({ outcome }, seconds);
      },
      roundTrip: (operation) => this.slotRoundTrips.inc({ operation }),
      ...(onBackgroundError ? { backgroundError: onBackgroundError } : {}),
    };
  }

  /** The gateway's own metrics and those of every service that answers in time, one HELP and TYPE per family. */
  async render(): Promise<string> {
    this.bodyBytes.set({}, this.bodyBytesSource());
    const texts = await Promise.all(
      this.services.map(async (s) => {
        const text = await within(s.read(this.timeoutMs), this.timeoutMs).catch(() => null);
        this.serviceUp.set({ service: s.service }, text === null ? 0 : 1);
        return text ?? '';
      }),
    );
    return mergeExpositions([await this.registry.render(), ...texts]);
  }
}
