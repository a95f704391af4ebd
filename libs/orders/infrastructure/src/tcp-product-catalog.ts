import type { OnModuleDestroy } from '@nestjs/common';
import { Patterns, type ResolveSkusReply, type ResolveSkusRequest } from '@datamingle/contracts';
import { ProductCatalog } from '@datamingle/orders-application';
import { TcpServiceClient } from '@datamingle/platform';

/** Asks the catalog service (over the microservices transport) which SKUs are active. */
export class TcpProductCatalog extends ProductCatalog implements OnModuleDestroy {
  private readonly client: TcpServiceClient;

  constructor(target: { host: string; port: number }, timeoutMs = 10_000) {
    super();
    this.client = new TcpServiceClient('catalog', target, timeoutMs);
  }

  async activeSkus(tenantId: string, skus: readonly string[]): Promise<Set<string>> {
    if (skus.length === 0) return new Set();
    const reply = await this.client.send<ResolveSkusReply, ResolveSkusRequest>(Patterns.products.resolveSkus, { tenantId, skus: [...skus] });
    return new Set(reply.active);
  }

  onModuleDestroy(): Promise<void> {
    return this.client.onModuleDestroy();
  }
}
