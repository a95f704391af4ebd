import { InventoryModule } from '@datamingle/inventory-infrastructure';
import { serviceProcess } from '@datamingle/platform';

serviceProcess('inventory', (config) => config.inventoryUrl, (config, logger) => InventoryModule.forRoot(config, logger));
