import type { ApiError } from '@datamingle/contracts';
import { fieldError, Messages, notFoundError } from '@datamingle/kernel';

/** `409 DUPLICATE` `code: A location with this code already exists.` (errors.md §6.5). */
export function duplicateLocationError(): ApiError {
  return fieldError('DUPLICATE', { code: [Messages.duplicateLocation('code')] });
}

/** `404 NOT_FOUND` `Location '<identifier cut to 200>' not found.` */
export function notFoundLocation(identifier: string): ApiError {
  return notFoundError('Location', identifier);
}
