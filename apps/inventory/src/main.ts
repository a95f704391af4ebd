import { type DynamicModule, Inject, Injectable, Module, type OnModuleDestroy } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import {
  HealthController,
  HealthMessageController,
  openReadModel,
  READINESS_CHECKS,
  serviceProcess,
  type PlatformConfig,
  type ReadinessCheck,
} from '@datamingle/platform';

const DS = Symbol('DS');

@Injectable()
class InventoryLifecycle implements OnModuleDestroy {
  constructor(@Inject(DS) private readonly ds: DataSource) {}
  async onModuleDestroy(): Promise<void> {
    await this.ds.destroy();
  }
}

/**
 * The inventory service. Until locations and inventory levels are built (their own issue), it
 * boots, answers its probes and the gateway's readiness check.
 */
@Module({})
class InventoryModule {
  static forRoot(config: PlatformConfig): DynamicModule {
    return {
      module: InventoryModule,
      controllers: [HealthController, HealthMessageController],
      providers: [
        { provide: DS, useFactory: () => openReadModel(config, 'datamingle-inventory', 2) },
        {
          provide: READINESS_CHECKS,
          useFactory: (ds: DataSource): ReadinessCheck[] => [{ name: 'database', check: async () => void (await ds.query('SELECT 1')) }],
          inject: [DS],
        },
        InventoryLifecycle,
      ],
    };
  }
}

serviceProcess('inventory', (config) => config.inventoryUrl, (config) => InventoryModule.forRoot(config));
