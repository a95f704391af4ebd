// The catalog's use cases, one file each (use-cases/), and the list Nest registers.
import { CreateProductHandler } from './use-cases/create-product';
import { DeactivateProductHandler } from './use-cases/deactivate-product';
import { GetProductHandler } from './use-cases/get-product';
import { ListProductsHandler } from './use-cases/list-products';
import { ProductHistoryHandler, ProductRecordsHandler } from './use-cases/product-history';
import { ResolveSkusHandler } from './use-cases/resolve-skus';
import { SkuStatusHandler } from './use-cases/sku-status';
import { UpdateProductHandler } from './use-cases/update-product';

export { CreateProductHandler, DeactivateProductHandler, GetProductHandler, ListProductsHandler, ProductHistoryHandler, ProductRecordsHandler, ResolveSkusHandler, SkuStatusHandler, UpdateProductHandler };

export const PRODUCT_HANDLERS = [
  SkuStatusHandler,
  CreateProductHandler,
  UpdateProductHandler,
  DeactivateProductHandler,
  GetProductHandler,
  ListProductsHandler,
  ResolveSkusHandler,
  ProductHistoryHandler,
  ProductRecordsHandler,
];
