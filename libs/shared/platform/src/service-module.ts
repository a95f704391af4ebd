import type { DynamicModule, Provider, Type } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { DataSource } from 'typeorm';
import type { ServiceName } from '@datamingle/contracts';
import type { DocumentProjection, DocumentProjectionSpec } from '@datamingle/read-model';
import type { PlatformConfig } from './config';
import { HealthController, HealthMessageController } from './health';
import type { Logger } from './logger';
import { serviceMessageController, type InternalMessages, type ServiceMessages } from './message-controller-table';
import { documentProjection, eventSourcedServiceProviders, projectionToken, READ_MODEL_DS, type ProjectionRegistration } from './service-providers';

/** What makes one event-sourced service: its message table, projections, published categories and own providers. */
export interface ServiceModuleDefinition<S extends ServiceName> {
  service: S;
  /** The command or query of each operation of the service's resources (serviceMessageController). */
  messages: ServiceMessages<S>;
  /** Messages other services send it (their failures propagate to the caller). */
  internal?: InternalMessages;
  /** Its catch-up projections (read models). */
  projections: ProjectionRegistration[];
  /** The stream categories whose events it publishes to Kafka (when KAFKA_BROKERS is set); checkpoints in `<service>.projection_checkpoints`. */
  publishes: string[];
  /** Its read models, transport clients, clock and use-case handlers. */
  providers: Provider[];
}

/**
 * The Nest module of an event-sourced service: CQRS, its message controller (from its table), the
 * health controllers, and the platform's providers (configuration, logger, metrics, read-model
 * data source, event store, projections and Kafka relays, readiness checks) beside its own.
 */
export function eventSourcedServiceModule<S extends ServiceName>(
  module: Type<unknown>,
  config: PlatformConfig,
  logger: Logger,
  definition: ServiceModuleDefinition<S>,
): DynamicModule {
  const { service } = definition;
  return {
    module,
    imports: [CqrsModule.forRoot()],
    controllers: [serviceMessageController(service, definition.messages, definition.internal), HealthController, HealthMessageController],
    providers: [
      ...eventSourcedServiceProviders(config, logger, service, definition.projections, {
        categories: definition.publishes,
        checkpointTable: `${service}.projection_checkpoints`,
      }),
      ...definition.providers,
    ],
  };
}

/**
 * A document read model and its projection: the projection registration for
 * eventSourcedServiceModule, and the provider of the read model's port (`token`), built from the
 * read-model data source and that projection (which it uses to project its own writes).
 */
export function documentReadModel<Doc>(
  token: abstract new (...args: never[]) => unknown,
  spec: DocumentProjectionSpec<Doc>,
  columns: string[],
  create: (ds: DataSource, projection: DocumentProjection<Doc>) => unknown,
): { projection: ProjectionRegistration; provider: Provider } {
  return {
    projection: documentProjection(spec, columns),
    provider: { provide: token, useFactory: create, inject: [READ_MODEL_DS, projectionToken(spec.name)] },
  };
}
