import type { ApiError } from '@datamingle/contracts';
import { fieldError, Messages, notFoundError } from '@datamingle/kernel';

/** `409 DUPLICATE` `sku: A product with this sku already exists.` (errors.md §6.5). */
export function duplicateSkuError(): ApiError {
  return fieldError('DUPLICATE', { sku: [Messages.duplicateProduct('sku')] });
}

/** `404 NOT_FOUND` `Product '<identifier cut to 200>' not found.` */
export function notFoundProduct(identifier: string): ApiError {
  return notFoundError('Product', identifier);
}
