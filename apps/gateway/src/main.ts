import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DynamicModule, Inject, Injectable, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import { hashApiKey, ServiceUnavailableError, type KeyRecord, type PipelineDeps } from '@datamingle/gateway-domain';
import { buildDocsSite, buildOpenApiDocument } from '@datamingle/gateway-openapi';
import { GatewayStore } from '@datamingle/gateway-infrastructure';
import { isUnavailable, loadConfig, Logger, NestLoggerBridge, openReadModel, runMain, type PlatformConfig, type ReadinessCheck } from '@datamingle/platform';
import { GatewayHttpServer } from './http-server';
import { Metrics } from './metrics';
import { SecurityEventRecorder } from './security-events';
import { ServiceClients } from './service-clients';

const CONFIG = Symbol('CONFIG');
const DS = Symbol('DS');

/** Batches `last_used_at` updates (the spec allows a lag of up to 60 seconds). */
class KeyUsage {
  private readonly used = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly store: GatewayStore, private readonly logger: Logger) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), 30_000);
    this.timer.unref();
  }

  mark(keyId: string): void {
    this.used.add(keyId);
  }

  async flush(): Promise<void> {
    if (this.used.size === 0) return;
    const ids = [...this.used];
    this.used.clear();
    await this.store.markKeysUsed(ids).catch((error) => this.logger.warn('could not record key usage', { error }));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }
}

@Injectable()
class GatewayRuntime implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly clients: ServiceClients;
  private readonly http: GatewayHttpServer;
  private readonly usage: KeyUsage;
  private readonly securityEvents: SecurityEventRecorder;

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
      (['orders', 'catalog', 'inventory'] as const).map((service) => ({ service, read: (timeoutMs: number) => this.clients.metrics(service, timeoutMs) })),
      undefined,
      { processMetricsOf: 'gateway' },
    );
    let secret = '';
    // Generated from the route table and the schemas in code, once per process.
    const openApi = buildOpenApiDocument();
    const openApiJson = JSON.stringify(openApi);
    const deps: PipelineDeps = {
      openApiDocument: () => openApiJson,
      baseDomain: config.baseDomain,
      now: () => new Date(),
      newRequestId: () => randomUUID(),
      hashApiKey: (key) => hashApiKey(secret, key),
      findKeyByHash: async (hash): Promise<KeyRecord | null> => {
        try {
          return await store.findKeyByHash(hash);
        } catch (error) {
          // The gateway's database is down: nothing can be decided, nothing was applied (503 + Retry-After).
          if (isUnavailable(error)) throw new ServiceUnavailableError(`gateway database unavailable: ${error instanceof Error ? error.message : String(error)}`);
          throw error;
        }
      },
      // last_used_at moves only for a key that passed authentication (steps 1–3), never for a
      // key presented on another tenant's host, an expired or a revoked one.
      onKeyAuthenticated: (key) => this.usage.mark(key.id),
      dispatch: async (op, request) => {
        const started = process.hrtime.bigint();
        try {
          return await this.clients.dispatch(op, request);
        } finally {
          metrics.observeServiceCall(op.resource, op.name, Number(process.hrtime.bigint() - started) / 1e9);
        }
      },
      onSecurityEvent: (e) => {
        // Bounded volume (auth-and-keys.md §9): batched, aggregated, one write at a time.
        this.securityEvents.record(e);
      },
      onUnexpectedError: (error, requestId) => logger.error('request failed', { request_id: requestId, error }),
    };
    const readiness: ReadinessCheck[] = [
      { name: 'database', check: async () => void (await ds.query('SELECT 1')) },
      ...(['orders', 'catalog', 'inventory'] as const).map((service) => ({
        name: service,
        check: async () => {
          const health = await this.clients.health(service, 1_500);
          if (health.status !== 'ok') throw new Error(Object.entries(health.checks).filter(([, v]) => v !== 'ok').map(([k, v]) => `${k}: ${v}`).join('; '));
        },
      })),
    ];
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
        sources: [{ title: openApi.info.title, slug: 'integrations-v1', url: '/api/integrations/v1/openapi.json' }],
        scalarBundle: readFileSync(join(__dirname, 'assets', 'scalar-standalone.js'), 'utf8'),
      }),
      limits: config.gatewayLimits,
    });
    metrics.trackBodyBytes(() => this.http.bodyBytesBuffered());
    this.ready = store.hmacSecret().then((s) => {
      secret = s;
    });
  }

  private readonly ready: Promise<void>;

  async onApplicationBootstrap(): Promise<void> {
    await this.ready;
    this.usage.start();
    this.securityEvents.start();
    const port = await this.http.listen();
    this.logger.info('gateway listening', { port, base_domain: this.config.baseDomain });
  }

  async onModuleDestroy(): Promise<void> {
    await this.http.close();
    await this.usage.stop();
    await this.securityEvents.stop();
    await this.clients.close();
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
  process.on('disconnect', () => void app.close().then(() => process.exit(0)));
});
