import { OrdersModule } from '@datamingle/orders-infrastructure';
import { serviceProcess } from '@datamingle/platform';

serviceProcess('orders', (config) => config.ordersUrl, (config, logger) => OrdersModule.forRoot(config, logger));
