import '@datamingle/platform/telemetry'; // first: tracing (when OTEL_* configure it) must start before http, pg and kafkajs load
import { CatalogModule } from '@datamingle/catalog-infrastructure';
import { serviceProcess } from '@datamingle/platform';

serviceProcess('catalog', (config) => config.serviceUrls.catalog, (config, logger) => CatalogModule.forRoot(config, logger));
