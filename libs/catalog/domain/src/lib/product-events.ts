import type { ProductDto } from '@datamingle/contracts';
import type { ProductMutableField } from './product-fields';

export type ProductChanges = Partial<Pick<ProductDto, ProductMutableField>>;

/** `data` is the full API representation of the new product (events.md). */
export interface ProductCreated {
  type: 'ProductCreated';
  data: ProductDto;
}

/** Every changed field (including `is_active` when it changed together with others). */
export interface ProductUpdated {
  type: 'ProductUpdated';
  data: { changes: ProductChanges; updated_at: string };
}

export interface ProductDeactivated {
  type: 'ProductDeactivated';
  data: { is_active: false; updated_at: string };
}

export interface ProductReactivated {
  type: 'ProductReactivated';
  data: { is_active: true; updated_at: string };
}

export type ProductEvent = ProductCreated | ProductUpdated | ProductDeactivated | ProductReactivated;
export type ProductEventTypeName = ProductEvent['type'];
