import type { FieldErrors } from '@datamingle/contracts';
import { FieldErrorCollector, type Result } from '@datamingle/kernel';
import { OrderFields } from './order-fields';

export interface CancelOrderInput {
  reason: string | null;
}

/** Field validation of the optional `DELETE /orders/{identifier}/` body (orders.md §6). */
export function validateCancelOrder(body: Record<string, unknown>): Result<CancelOrderInput, FieldErrors> {
  const c = new FieldErrorCollector();
  const reason = c.field(body, 'reason', OrderFields.reason);
  return c.finish(() => ({ reason: reason ?? null }));
}
