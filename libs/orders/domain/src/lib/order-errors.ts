import type { ApiError } from '@datamingle/contracts';
import { apiError, Messages, notFoundError, toValidationError } from '@datamingle/kernel';

/** Contractual SERVICE_ERROR texts (errors.md §6.2). */
export const ORDER_SERVICE_MESSAGES = {
  cancelledUpdate: 'Order is cancelled and can no longer be updated.',
  shippedUpdate: 'Order has been shipped and can no longer be updated.',
  shippedCancel: 'Order has been shipped and cannot be cancelled.',
} as const;

/** `404 NOT_FOUND` `Order '<identifier cut to 200>' not found.` */
export function notFoundOrder(identifier: string): ApiError {
  return notFoundError('Order', identifier);
}

/**
 * `400 VALIDATION_ERROR` for a natural key that is already used — also the answer when the
 * store's unique constraint rejects a create that lost a race (conventions.md §12).
 */
export function duplicateOrderError(field: 'order_number' | 'external_order_id'): ApiError {
  return toValidationError({ [field]: [Messages.duplicateOrder(field)] });
}

export function orderServiceError(message: string): ApiError {
  return apiError('SERVICE_ERROR', message);
}
