import type { KeyedDocuments } from '@datamingle/application';
import { EVENT_TYPES, type ProductDto } from '@datamingle/contracts';
import {
  duplicateSkuError,
  notFoundProduct,
  productDecider,
  productRepresentation,
  validateCreateProduct,
  type CreateProductInput,
  type ProductCommand,
  type ProductEvent,
  type ProductState,
} from '@datamingle/catalog-domain';
import type { ProductReadModel } from '../ports';
import { productStreamName } from '../streams';

/** Products: one stream per product, named after its SKU, decided by productDecider. */
export const PRODUCTS: KeyedDocuments<ProductReadModel, CreateProductInput, ProductCommand, ProductState, ProductEvent, ProductDto> = {
  kind: { decider: productDecider, representation: productRepresentation, events: { source: 'catalog', aggregateType: 'product', schemaVersions: EVENT_TYPES.catalog } },
  streamName: productStreamName,
  find: async (readModel, tenantId, sku) => {
    const found = await readModel.findBySku(tenantId, sku);
    return found && { doc: found.product, streamName: found.streamName };
  },
  notFound: notFoundProduct,
  duplicate: duplicateSkuError,
  validateCreate: validateCreateProduct,
  key: (input) => input.sku,
  create: (input, productId, now) => ({ type: 'CreateProduct', data: { input, productId, now } }),
};
