import type { OnModuleDestroy } from '@nestjs/common';
import { Patterns, type SkuStatusReply, type SkuStatusRequest } from '@datamingle/contracts';
import { ProductDirectory } from '@datamingle/inventory-application';
import { TcpServiceClient } from '@datamingle/platform';

/** Asks the catalog service (over the microservices transport) which SKUs exist and are active. */
export class TcpProductDirectory extends ProductDirectory implements OnModuleDestroy {
  private readonly client: TcpServiceClient;

  constructor(target: { host: string; port: number }, timeoutMs = 30_000) {
    super();
    this.client = new TcpServiceClient('catalog', target, timeoutMs);
  }

  async skuStatus(tenantId: string, skus: readonly string[]): Promise<Map<string, 'active' | 'inactive'>> {
    if (skus.length === 0) return new Map();
    const reply = await this.client.send<SkuStatusReply, SkuStatusRequest>(Patterns.products.skuStatus, { tenantId, skus: [...skus] });
    return new Map(Object.entries(reply.status));
  }

  onModuleDestroy(): Promise<void> {
    return this.client.onModuleDestroy();
  }
}
