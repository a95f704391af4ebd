import { Controller, Inject, type Type } from '@nestjs/common';
import { CommandBus, QueryBus, type ICommand, type IQuery } from '@nestjs/cqrs';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RESOURCE_REGISTRY, type OperationName, type OperationsOf, type ResourceName, type ResourcesOf, type ServiceName, type ServiceRequest } from '@datamingle/contracts';
import { ServiceMessageController } from './failures';
import { Logger } from './logger';

/** What answers one operation of a resource: a command (write) or a query (read) built from the request. */
export type RequestMessage = { readonly command: new (request: ServiceRequest) => ICommand } | { readonly query: new (request: ServiceRequest) => IQuery };

/**
 * A service's message table: for every resource it owns (resource registry), the command or
 * query of every operation the registry lists. The type makes the table exhaustive: a resource
 * or an operation added to the registry and not answered here is a compile error.
 */
export type ServiceMessages<S extends ServiceName> = { readonly [R in ResourcesOf<S>]: { readonly [O in OperationsOf<R>]: RequestMessage } };

/**
 * A message between services (not a gateway request): its query answers as is, and a failure
 * propagates to the caller (which answers 503), instead of becoming a reply.
 */
export type InternalMessages = Readonly<Record<string, new (request: never) => IQuery>>;

type Handler = (this: TableMessageController, payload: never) => Promise<unknown>;

abstract class TableMessageController extends ServiceMessageController {
  constructor(
    @Inject(CommandBus) readonly commands: CommandBus,
    @Inject(QueryBus) readonly queries: QueryBus,
    @Inject(Logger) logger: Logger,
  ) {
    super(logger);
  }

  /** A gateway request run through {@link ServiceMessageController.run}: its failures become replies. */
  handle(pattern: string, request: ServiceRequest, message: RequestMessage, route: { resource: ResourceName; operation: OperationName }) {
    return this.run(
      pattern,
      request,
      () => ('command' in message ? this.commands.execute(new message.command(request)) : this.queries.execute(new message.query(request))),
      route,
    );
  }
}

/**
 * The message controller of a service, built from its table: one `@MessagePattern` handler per
 * registry pattern (`Patterns.<resource>.<operation>`), each running its command or query on the
 * CQRS buses through ServiceMessageController.run, plus the internal messages of `internal`.
 * The handlers are the ones the decorators would declare by hand, one method per pattern (named
 * after it), so Nest's microservice routing, interceptors and pipes see no difference.
 */
export function serviceMessageController<S extends ServiceName>(
  service: S,
  messages: ServiceMessages<S>,
  internal: InternalMessages = {},
): Type<ServiceMessageController> {
  @Controller()
  class ServiceTableController extends TableMessageController {}
  Object.defineProperty(ServiceTableController, 'name', { value: `${service[0]!.toUpperCase()}${service.slice(1)}MessageController` });

  const handlers: [string, Handler][] = [];
  for (const [resource, operations] of Object.entries(messages) as [ResourcesOf<S>, Record<string, RequestMessage>][]) {
    const patterns: Readonly<Record<string, string>> = RESOURCE_REGISTRY[resource].operations;
    for (const [operation, message] of Object.entries(operations)) {
      const pattern = patterns[operation];
      const route = { resource: resource as ResourceName, operation: operation as OperationName };
      if (pattern === undefined) throw new Error(`${service}: ${resource} has no ${operation} operation in the resource registry`);
      handlers.push([pattern, function (this: TableMessageController, request: ServiceRequest) {
        return this.handle(pattern, request, message, route);
      } as Handler]);
    }
  }
  for (const [pattern, query] of Object.entries(internal)) {
    handlers.push([pattern, function (this: TableMessageController, request: never) {
      return this.queries.execute(new query(request));
    } as Handler]);
  }

  const prototype = ServiceTableController.prototype as unknown as Record<string, unknown>;
  for (const [pattern, handler] of handlers) {
    if (Object.prototype.hasOwnProperty.call(prototype, pattern)) throw new Error(`${service}: message pattern ${pattern} is in the table twice`);
    Object.defineProperty(handler, 'name', { value: pattern });
    Object.defineProperty(prototype, pattern, { value: handler, writable: true, configurable: true, enumerable: false });
    const descriptor = Object.getOwnPropertyDescriptor(prototype, pattern)!;
    MessagePattern(pattern)(prototype, pattern, descriptor);
    Payload()(prototype, pattern, 0);
  }
  return ServiceTableController;
}
