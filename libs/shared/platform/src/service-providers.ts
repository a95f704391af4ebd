import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy, type Provider } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { EventStore } from '@datamingle/event-store';
import { EventPublisher, KafkaJsPublisher, KafkaRelay } from '@datamingle/messaging';
import { DocumentProjection, ProjectionRunner, type CatchUpProjection, type DocumentProjectionSpec } from '@datamingle/read-model';
import type { PlatformConfig } from './config';
import { instrumentEventStore } from './event-store-metrics';
import { READINESS_CHECKS, type ReadinessCheck } from './health';
import { Logger } from './logger';
import { MetricsRegistry } from './metrics';
import { openEventStore, openReadModel, type OpenEventStore } from './runtime';

/** Injection tokens of an event-sourced service. */
export const PLATFORM_CONFIG = Symbol('PLATFORM_CONFIG');
export const READ_MODEL_DS = Symbol('READ_MODEL_DS');
export const OPEN_EVENT_STORE = Symbol('OPEN_EVENT_STORE');
export const PROJECTIONS = Symbol('PROJECTIONS');
/** The service's name (a service of the resource registry): the `service` label of its metrics. */
export const SERVICE_NAME = Symbol('SERVICE_NAME');

export function projectionToken(name: string): string {
  return `projection:${name}`;
}

/**
 * Starts the catch-up projections after boot; closes the store and the read-model pool on
 * shutdown. Reports each runner's lag, lease and events handled to the service's metrics.
 */
@Injectable()
export class EventSourcedServiceLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly runners: ProjectionRunner[];

  constructor(
    @Inject(READ_MODEL_DS) private readonly ds: DataSource,
    @Inject(OPEN_EVENT_STORE) private readonly eventStore: OpenEventStore,
    @Inject(PROJECTIONS) projections: CatchUpProjection[],
    logger: Logger,
    @Inject(SERVICE_NAME) service: string,
    metrics: MetricsRegistry,
  ) {
    this.runners = projections.map((p) => new ProjectionRunner(ds, eventStore.store, p, logger));
    registerProjectionMetrics(metrics, service, this.runners);
  }

  onApplicationBootstrap(): void {
    for (const r of this.runners) r.start();
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.stop()));
    await closeSharedPublisher();
    await this.eventStore.close();
    await this.ds.destroy();
  }
}

/** Projection and relay metrics of a service, read from its runners at scrape time. */
export function registerProjectionMetrics(metrics: MetricsRegistry, service: string, runners: readonly Pick<ProjectionRunner, 'status'>[]): void {
  const statuses = () => runners.map((r) => r.status());
  const labels = (projection: string) => ({ service, projection });
  metrics
    .gauge(
      'datamingle_projection_lag_seconds',
      'How far a catch-up projection or Kafka relay is behind the event store, as seen by the replica holding its lease: ' +
        '0 when its last read returned no event (caught up); otherwise now minus recordedAt of the first event read and not yet committed, ' +
        'or, between a committed batch and the next read, of the last committed event. 0 on replicas without the lease ' +
        '(take the max over replicas). Through the gateway: one replica of each service; scrape every pod for all.',
      ['service', 'projection'],
    )
    .addCollector(() => statuses().map((s) => ({ labels: labels(s.projection), value: s.lagSeconds })));
  metrics
    .gauge(
      'datamingle_projection_lease_held',
      '1 if this process holds the lease of the projection or relay (runs it), else 0; summed over all replicas of a service it is 1.',
      ['service', 'projection'],
    )
    .addCollector(() => statuses().map((s) => ({ labels: labels(s.projection), value: s.leaseHeld ? 1 : 0 })));
  metrics
    .counter(
      'datamingle_projection_events_total',
      'Events the catch-up projection or relay of this process has handled (committed with its checkpoint), including events their writer had already projected.',
      ['service', 'projection'],
    )
    .addCollector(() => statuses().map((s) => ({ labels: labels(s.projection), value: s.eventsHandled })));
}

export interface ProjectionRegistration {
  name: string;
  create(store: EventStore): CatchUpProjection;
}

/** A document projection (one JSON document per stream), injectable as projectionToken(spec.name). */
export function documentProjection<Doc>(spec: DocumentProjectionSpec<Doc>, columns: string[]): ProjectionRegistration {
  return { name: spec.name, create: (store) => new DocumentProjection(spec, store, columns) };
}

/**
 * The providers every event-sourced service shares: config, logger, the read-model data source,
 * the event store (appends timed), its document projections (each injectable as
 * projectionToken(spec.name)), readiness checks, the metrics registry (MetricsRegistry, served by
 * the health controllers) and the lifecycle that runs the projections.
 */
export function eventSourcedServiceProviders(
  config: PlatformConfig,
  logger: Logger,
  service: string,
  projections: ProjectionRegistration[],
  /** With KAFKA_BROKERS set: the stream categories whose events this service publishes, and where their relays keep checkpoints. */
  publication?: { categories: string[]; checkpointTable: string },
): Provider[] {
  const brokers = config.kafkaBrokers;
  const relays: ProjectionRegistration[] =
    brokers && publication
      ? publication.categories.map((category) => ({
          name: `relay:kafka:${category}`,
          create: () => new KafkaRelay(category, publication.checkpointTable, publisherOf(brokers, service), config.kafkaTopicPrefix),
        }))
      : [];
  projections = [...projections, ...relays];
  return [
    { provide: PLATFORM_CONFIG, useValue: config },
    { provide: Logger, useValue: logger },
    { provide: SERVICE_NAME, useValue: service },
    { provide: MetricsRegistry, useValue: new MetricsRegistry({ processMetricsOf: service }) },
    { provide: READ_MODEL_DS, useFactory: () => openReadModel(config, `datamingle-${service}`, config.dbPoolSize) },
    {
      provide: OPEN_EVENT_STORE,
      useFactory: () =>
        openEventStore(config, `datamingle-${service}`, config.dbPoolSize, (error) =>
          logger.warn('event store background connection failed; retrying', { error: String((error as Error)?.message ?? error) }),
        ),
    },
    // Appends through the port are timed; the store stays the same object (instanceof holds).
    {
      provide: EventStore,
      useFactory: (es: OpenEventStore, metrics: MetricsRegistry) => instrumentEventStore(es.store, metrics, service),
      inject: [OPEN_EVENT_STORE, MetricsRegistry],
    },
    ...projections.map((p) => ({
      provide: projectionToken(p.name),
      useFactory: (store: EventStore) => p.create(store),
      inject: [EventStore],
    })),
    {
      provide: PROJECTIONS,
      useFactory: (...all: CatchUpProjection[]) => all,
      inject: projections.map((p) => projectionToken(p.name)),
    },
    {
      provide: READINESS_CHECKS,
      useFactory: (ds: DataSource, store: EventStore): ReadinessCheck[] => [
        { name: 'database', check: async () => void (await ds.query('SELECT 1')) },
        { name: 'event_store', check: async () => void (await store.readStream('health-probe', { maxCount: 1 })) },
      ],
      inject: [READ_MODEL_DS, EventStore],
    },
    EventSourcedServiceLifecycle,
  ];
}

/** One Kafka producer per process, shared by its relays; closed with the process. */
let sharedPublisher: EventPublisher | null = null;
function publisherOf(brokers: string[], service: string): EventPublisher {
  sharedPublisher ??= new KafkaJsPublisher(brokers, `datamingle-${service}`);
  return sharedPublisher;
}

export async function closeSharedPublisher(): Promise<void> {
  await sharedPublisher?.close();
  sharedPublisher = null;
}
