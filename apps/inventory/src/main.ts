import { InventoryModule } from '@datamingle/inventory-infrastructure';
import { serviceProcess } from '@datamingle/platform';

serviceProcess('inventory', (config) => config.serviceUrls.inventory, (config, logger) => InventoryModule.forRoot(config, logger));
