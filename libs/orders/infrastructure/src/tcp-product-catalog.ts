import type { OnModuleDestroy } from '@nestjs/common';
import { ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { Patterns, type ResolveSkusReply, type ResolveSkusRequest } from '@datamingle/contracts';
import { ProductCatalog } from '@datamingle/orders-application';
import { DependencyUnavailableError } from '@datamingle/platform';

/** Asks the catalog service (over the microservices transport) which SKUs are active. */
export class TcpProductCatalog extends ProductCatalog implements OnModuleDestroy {
  private readonly client: ClientProxy;

  constructor(target: { host: string; port: number }, private readonly timeoutMs = 10_000) {
    super();
    this.client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: target.host, port: target.port } });
  }

  async activeSkus(tenantId: string, skus: readonly string[]): Promise<Set<string>> {
    if (skus.length === 0) return new Set();
    const request: ResolveSkusRequest = { tenantId, skus: [...skus] };
    try {
      const reply = await firstValueFrom(
        this.client.send<ResolveSkusReply, ResolveSkusRequest>(Patterns.products.resolveSkus, request).pipe(timeout(this.timeoutMs)),
      );
      return new Set(reply.active);
    } catch (error) {
      throw new DependencyUnavailableError('catalog service unavailable', error);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.client.close();
  }
}
