import 'reflect-metadata';
import type { DynamicModule, INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { FrameSocket } from './frame-socket';
import { ServiceServerTcp } from './service-server';
import { loadConfig, type PlatformConfig } from './config';
import { Logger } from './logger';
import { shutdownTelemetry, telemetryStarted } from './telemetry';
import { MessageSpanInterceptor } from './tracing';

/** Routes Nest's own log lines into our structured logger. */
export class NestLoggerBridge implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string): void {
    this.logger.debug(String(message), { context });
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error(String(message), { context, trace });
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn(String(message), { context });
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug(String(message), { context });
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace(String(message), { context });
  }
}

export interface ServiceBootstrapOptions {
  name: string;
  module: DynamicModule;
  /** TCP transport (@nestjs/microservices) where the gateway and other services reach it. */
  transport: { host: string; port: number };
  /** HTTP port for /healthz and /readyz. */
  healthPort: number;
  healthHost: string;
  logger: Logger;
}

/**
 * Starts a service: the @nestjs/microservices TCP transport for commands and queries, and a
 * small HTTP server for the probes. SIGTERM/SIGINT close both and run the modules' shutdown hooks.
 */
export async function bootstrapService(options: ServiceBootstrapOptions): Promise<INestApplication> {
  const app = await NestFactory.create(options.module, new FastifyAdapter(), {
    logger: new NestLoggerBridge(options.logger),
    abortOnError: false,
  });
  // Tracing on (telemetry.ts): every message is handled under its SERVER span; off, no interceptor at all.
  if (telemetryStarted()) app.useGlobalInterceptors(new MessageSpanInterceptor());
  app.connectMicroservice<MicroserviceOptions>(
    { strategy: new ServiceServerTcp({ host: options.transport.host, port: options.transport.port, socketClass: FrameSocket }) },
    { inheritAppConfig: true },
  );
  app.enableShutdownHooks();
  await app.startAllMicroservices();
  await app.listen(options.healthPort, options.healthHost);
  options.logger.info(`${options.name} service ready`, {
    transport: `${options.transport.host}:${options.transport.port}`,
    health: `http://${options.healthHost}:${options.healthPort}/healthz`,
  });
  return app;
}

/** Runs `main`, printing a one-line error and exiting non-zero on a boot failure. */
export function runMain(name: string, main: () => Promise<unknown>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

/**
 * The main of a service process: config from the environment, the transport on its
 * `<NAME>_URL` port (bound to LISTEN_HOST, default 0.0.0.0), probes on HEALTH_PORT (default
 * transport port + 100). Exits when its parent (the launcher) goes away.
 */
export function serviceProcess(
  name: string,
  transportOf: (config: PlatformConfig) => { host: string; port: number },
  moduleOf: (config: PlatformConfig, logger: Logger) => DynamicModule,
): void {
  runMain(name, async () => {
    const config = loadConfig();
    const logger = new Logger(name, config.logLevel);
    const transport = transportOf(config);
    const host = config.listenHost;
    const app = await bootstrapService({
      name,
      module: moduleOf(config, logger),
      transport: { host, port: transport.port },
      healthPort: config.healthPort ?? transport.port + 100,
      healthHost: host,
      logger,
    });
    process.on('disconnect', () => void app.close().then(() => shutdownTelemetry()).then(() => process.exit(0)));
  });
}
