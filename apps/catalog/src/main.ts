import { CatalogModule } from '@datamingle/catalog-infrastructure';
import { serviceProcess } from '@datamingle/platform';

serviceProcess('catalog', (config) => config.serviceUrls.catalog, (config, logger) => CatalogModule.forRoot(config, logger));
