import { ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';
import { Patterns, type ServiceReply, type ServiceRequest } from '@datamingle/contracts';
import { type Operation, ServiceTimeoutError, ServiceUnavailableError } from '@datamingle/gateway-domain';
import type { PlatformConfig } from '@datamingle/platform';

type ServiceName = 'orders' | 'catalog' | 'inventory';

const PATTERNS: Record<Operation['resource'], { service: ServiceName; patterns: Partial<Record<Operation['name'], string>> }> = {
  orders: {
    service: 'orders',
    patterns: {
      create: Patterns.orders.create,
      list: Patterns.orders.list,
      get: Patterns.orders.get,
      update: Patterns.orders.update,
      delete: Patterns.orders.cancel,
    },
  },
  products: {
    service: 'catalog',
    patterns: {
      create: Patterns.products.create,
      list: Patterns.products.list,
      get: Patterns.products.get,
      update: Patterns.products.update,
      delete: Patterns.products.deactivate,
    },
  },
  locations: {
    service: 'inventory',
    patterns: {
      create: Patterns.locations.create,
      list: Patterns.locations.list,
      get: Patterns.locations.get,
      update: Patterns.locations.update,
      delete: Patterns.locations.deactivate,
    },
  },
  inventory: {
    service: 'inventory',
    patterns: { create: Patterns.inventory.bulkSet, list: Patterns.inventory.list, get: Patterns.inventory.get },
  },
};

/** The gateway's clients of the services, over the @nestjs/microservices TCP transport. */
export class ServiceClients {
  private readonly clients: Record<ServiceName, ClientProxy>;

  constructor(private readonly config: PlatformConfig) {
    const make = (t: { host: string; port: number }) =>
      ClientProxyFactory.create({ transport: Transport.TCP, options: { host: t.host, port: t.port } });
    this.clients = { orders: make(config.ordersUrl), catalog: make(config.catalogUrl), inventory: make(config.inventoryUrl) };
  }

  async dispatch(op: Operation, request: ServiceRequest): Promise<ServiceReply> {
    const route = PATTERNS[op.resource];
    const pattern = route.patterns[op.name];
    if (!pattern) throw new ServiceUnavailableError(`${op.resource} are not served yet`);
    return this.send<ServiceReply>(route.service, pattern, request, this.config.requestTimeoutMs);
  }

  async health(service: ServiceName, timeoutMs: number): Promise<{ status: string; checks: Record<string, string> }> {
    return this.send(service, Patterns.health, {}, timeoutMs);
  }

  private async send<T>(service: ServiceName, pattern: string, payload: unknown, timeoutMs: number): Promise<T> {
    try {
      return await firstValueFrom(this.clients[service].send<T>(pattern, payload).pipe(timeout(timeoutMs)));
    } catch (error) {
      if (error instanceof TimeoutError) throw new ServiceTimeoutError(`${service} did not answer within ${timeoutMs} ms`);
      throw new ServiceUnavailableError(`${service} unavailable: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.clients).map((c) => c.close()));
  }
}
