import type { ProductDto } from '@datamingle/contracts';
import { evolveProduct, productRepresentation, type ProductEvent } from '@datamingle/catalog-domain';
import type { DocumentProjectionSpec } from '@datamingle/read-model';

export const PRODUCT_COLUMNS = ['id', 'sku', 'is_active', 'created_at', 'updated_at'];

/** The products read model follows the `product` streams; each row holds the product's API representation. */
export const productProjectionSpec: DocumentProjectionSpec<ProductDto> = {
  name: 'catalog.products',
  table: 'catalog.products',
  checkpointTable: 'catalog.projection_checkpoints',
  category: 'product',
  evolve(doc, event) {
    const state = evolveProduct({ product: doc }, event as ProductEvent);
    return state.product ? productRepresentation(state) : null;
  },
  columns(doc) {
    return { id: doc.id, sku: doc.sku, is_active: doc.is_active, created_at: doc.created_at, updated_at: doc.updated_at };
  },
};
