import { shutdownTelemetry } from '@datamingle/platform/telemetry'; // first: tracing (when OTEL_* configure it) must start before http, pg and kafkajs load
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DynamicModule, Inject, Injectable, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import { SERVICE_NAMES } from '@datamingle/contracts';
import { buildDocsSite, buildOpenApiDocument } from '@datamingle/gateway-openapi';
import { createKeyLimits, createKeyStateCache, GatewayStore, type KeyStateCache, type LeasedKeyLimits } from '@datamingle/gateway-infrastructure';
import { EventStoreChangeFeed, IntegrationLogMaintenance, IntegrationLogStore, loadFeedCursorSecret, PgIdempotencyStore } from '@datamingle/gateway-infrastructure';
import { loadConfig, Logger, NestLoggerBridge, openEventStore, openReadModel, runMain, type OpenEventStore, type PlatformConfig } from '@datamingle/platform';
import { DEFAULT_DASHBOARD_DIR, loadDashboardSite } from './dashboard-site';
import { AdminApi } from './admin/admin-api';
import { GatewayHttpServer } from './http-server';
import { KeyUsage } from './key-usage';
import { Metrics } from './metrics';
import { createPipelineDeps, createReadinessChecks } from './pipeline-deps';
import { IntegrationLogWriter } from './integration-log-writer';
import { SecurityEventRecorder } from './security-events';
import { ServiceClients } from './service-clients';

const CONFIG = Symbol('CONFIG');
/** How often each gateway deletes expired Idempotency-Key rows. */
const IDEMPOTENCY_PURGE_MS = 10 * 60_000;
const DS = Symbol('DS');

@Injectable()
class GatewayRuntime implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly clients: ServiceClients;
  private readonly http: GatewayHttpServer;
  private readonly usage: KeyUsage;
  private readonly securityEvents: SecurityEventRecorder;
  /** Steps 6–7 across gateway instances: leases of concurrency slots renewed by a heartbeat, given back on shutdown. */
  private readonly limits: LeasedKeyLimits;
  /** The integration log: entries batched into gateway.integration_logs; its partitions and purge. */
  private readonly integrationLog: IntegrationLogWriter;
  private readonly logMaintenance: IntegrationLogMaintenance;
  /** Key state across requests, emptied on every committed change before the change's writer returns (null: GATEWAY_KEY_CACHE_ENTRIES=0). */
  private readonly keyCache: KeyStateCache | null;
  /** Idempotency-Key claims and stored responses; expired ones purged every IDEMPOTENCY_PURGE_MS. */
  private readonly idempotency: PgIdempotencyStore;
  private idempotencyPurge: NodeJS.Timeout | null = null;
  /** The change feed's reader of the event store (opened before the server listens). */
  private feedStore: OpenEventStore | null = null;
  private feed: EventStoreChangeFeed | null = null;

  constructor(
    @Inject(CONFIG) private readonly config: PlatformConfig,
    @Inject(DS) private readonly ds: DataSource,
    private readonly logger: Logger,
  ) {
    const store = new GatewayStore(ds);
    this.clients = new ServiceClients(config);
    this.usage = new KeyUsage(store, logger);
    this.securityEvents = new SecurityEventRecorder(store, logger);
    const metrics = new Metrics(
      SERVICE_NAMES.map((service) => ({ service, read: (timeoutMs: number) => this.clients.metrics(service, timeoutMs) })),
      undefined,
      { processMetricsOf: 'gateway' },
    );
    const logStore = new IntegrationLogStore(ds);
    this.integrationLog = new IntegrationLogWriter(logStore, logger, {
      observer: metrics.integrationLogObserver(() => {
        const s = this.integrationLog.stats();
        return { lagSeconds: this.integrationLog.lagMs() / 1000, queued: s.queued, bufferedBytes: s.bufferedBytes };
      }),
    });
    this.logMaintenance = new IntegrationLogMaintenance(logStore, logger);
    this.limits = createKeyLimits(ds, {
      observer: metrics.keyLimitsObserver((operation, error) => logger.warn('key limits: background statement failed', { operation, error })),
    });
    this.keyCache =
      config.gatewayLimits.keyCacheEntries > 0
        ? createKeyStateCache(ds, {
            entries: config.gatewayLimits.keyCacheEntries,
            onError: (error) => logger.warn('key cache: no LISTEN connection (every request reads key state meanwhile)', { error }),
          })
        : null;
    this.idempotency = new PgIdempotencyStore(ds);
    let secret = '';
    // Generated from the route table and the schemas in code, once per process.
    const openApi = buildOpenApiDocument();
    const deps = createPipelineDeps({
      baseDomain: config.baseDomain,
      store,
      hmacSecret: () => secret,
      openApiJson: JSON.stringify(openApi),
      usage: this.usage,
      clients: this.clients,
      metrics,
      securityEvents: this.securityEvents,
      integrationLog: this.integrationLog,
      logger,
      limits: this.limits,
      keyServiceConcurrency: config.gatewayLimits.keyServiceConcurrency,
      ...(this.keyCache ? { keyCache: this.keyCache } : {}),
      idempotency: this.idempotency,
      changeFeed: () => this.feed,
    });
    const readiness = createReadinessChecks(ds, this.clients);
    // The dashboard's built files (apps/dashboard/dist, `npm run build`), read once, served under /dashboard/.
    const dashboard = loadDashboardSite(DEFAULT_DASHBOARD_DIR);
    if (dashboard.problem) logger.warn('the dashboard is not served', { reason: dashboard.problem });
    // The admin API (admin.md): sessions, users, keys, settings, security and audit events.
    const admin = new AdminApi({ ds, baseDomain: config.baseDomain, hmacSecret: () => secret, logger });
    this.http = new GatewayHttpServer({
      port: config.gatewayPort,
      host: config.gatewayHost,
      deps,
      readiness,
      metrics,
      logger,
      // The API reference: Scalar's browser bundle (copied into dist/assets by the build), read
      // once, served from /docs/scalar.js.
      docs: buildDocsSite({
        title: openApi.info.title,
        sources: [
          { title: openApi.info.title, slug: 'integrations-v1', url: '/api/integrations/v1/openapi.json' },
          { title: 'Datamingle admin API', slug: 'admin-v1', url: '/api/admin/v1/openapi.json' },
        ],
        scalarBundle: readFileSync(join(__dirname, 'assets', 'scalar-standalone.js'), 'utf8'),
      }),
      dashboard: dashboard.site,
      limits: config.gatewayLimits,
      admin,
    });
    metrics.trackBodyBytes(() => this.http.bodyBytesBuffered());
    this.ready = store.hmacSecret().then(async (s) => {
      secret = s;
      await admin.ready();
      // The change feed reads the event store itself (the events' order is the store's); its
      // notification channel is opened now, so the first long poll is woken like every later one.
      this.feedStore = await openEventStore(config, 'datamingle-gateway-feed', 4, (error) => logger.warn('change feed: event-store notifications interrupted', { error }));
      this.feed = new EventStoreChangeFeed(this.feedStore.store, await loadFeedCursorSecret(ds));
      await this.feedStore.store.waitForEvents(0);
    });
  }

  private readonly ready: Promise<void>;

  async onApplicationBootstrap(): Promise<void> {
    await this.ready;
    this.usage.start();
    this.securityEvents.start();
    this.limits.start();
    this.integrationLog.start();
    // Never rejects: without its connection the cache is bypassed (and reconnects in the background).
    await this.keyCache?.start();
    // Partitions of today and the next days before the first request (never rejects; retried later on failure).
    await this.logMaintenance.start();
    // Stored responses are kept 24 hours; an expired one is already ignored, the purge frees its row.
    this.idempotencyPurge = setInterval(() => {
      this.idempotency.purgeExpired().catch((error: unknown) => this.logger.warn('idempotency keys: purge failed (retried later)', { error }));
    }, IDEMPOTENCY_PURGE_MS);
    this.idempotencyPurge.unref();
    const port = await this.http.listen();
    this.logger.info('gateway listening', { port, base_domain: this.config.baseDomain });
  }

  async onModuleDestroy(): Promise<void> {
    if (this.idempotencyPurge) clearInterval(this.idempotencyPurge);
    // Long polls answer now (an empty page with their cursor) instead of holding the shutdown.
    this.feed?.close();
    await this.http.close();
    // Deregistered: admin changes stop waiting for this gateway's acknowledgement.
    await this.keyCache?.stop();
    // After the last response: every lease of this instance back to the other gateways at once.
    await this.limits.stop().catch((error: unknown) => this.logger.warn('key limits: leases not released (they expire by themselves)', { error }));
    await this.usage.stop();
    await this.securityEvents.stop();
    // After the last response: what the writer holds is written (bounded wait).
    await this.integrationLog.stop();
    await this.logMaintenance.stop();
    await this.clients.close();
    await this.feedStore?.close();
    await this.ds.destroy();
  }
}

@Module({})
class GatewayModule {
  static forRoot(config: PlatformConfig, logger: Logger): DynamicModule {
    return {
      module: GatewayModule,
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: Logger, useValue: logger },
        { provide: DS, useFactory: () => openReadModel(config, 'datamingle-gateway', config.dbPoolSize) },
        GatewayRuntime,
      ],
    };
  }
}

runMain('gateway', async () => {
  const config = loadConfig();
  const logger = new Logger('gateway', config.logLevel);
  const app = await NestFactory.createApplicationContext(GatewayModule.forRoot(config, logger), {
    logger: new NestLoggerBridge(logger),
    abortOnError: false,
  });
  app.enableShutdownHooks();
  process.on('disconnect', () => void app.close().then(() => shutdownTelemetry()).then(() => process.exit(0)));
});
