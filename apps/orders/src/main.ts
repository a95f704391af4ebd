import '@datamingle/platform/telemetry'; // first: tracing (when OTEL_* configure it) must start before http, pg and kafkajs load
import { OrdersModule } from '@datamingle/orders-infrastructure';
import { serviceProcess } from '@datamingle/platform';

serviceProcess('orders', (config) => config.serviceUrls.orders, (config, logger) => OrdersModule.forRoot(config, logger));
