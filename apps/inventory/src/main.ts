import '@datamingle/platform/telemetry'; // first: tracing (when OTEL_* configure it) must start before http, pg and kafkajs load
import { InventoryModule } from '@datamingle/inventory-infrastructure';
import { serviceProcess } from '@datamingle/platform';

serviceProcess('inventory', (config) => config.serviceUrls.inventory, (config, logger) => InventoryModule.forRoot(config, logger));
