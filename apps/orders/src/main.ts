import { OrdersModule } from '@datamingle/orders-infrastructure';
import { serviceProcess } from '@datamingle/platform';

serviceProcess('orders', (config) => config.serviceUrls.orders, (config, logger) => OrdersModule.forRoot(config, logger));
