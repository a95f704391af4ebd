import type { CreateProductInput, UpdateProductInput } from './validate-product';

export interface CreateProduct {
  type: 'CreateProduct';
  data: { input: CreateProductInput; productId: string; now: string };
}

export interface UpdateProduct {
  type: 'UpdateProduct';
  data: { input: UpdateProductInput; now: string };
}

/** `DELETE /products/{identifier}/`. */
export interface DeactivateProduct {
  type: 'DeactivateProduct';
  data: { now: string };
}

export type ProductCommand = CreateProduct | UpdateProduct | DeactivateProduct;
