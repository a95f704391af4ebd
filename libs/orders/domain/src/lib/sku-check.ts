import type { ApiError } from '@datamingle/contracts';
import { apiError } from '@datamingle/kernel';

/** Distinct SKU codes in order of first appearance. */
export function distinctSkus(items: readonly { sku_code: string }[]): string[] {
  return [...new Set(items.map((line) => line.sku_code))];
}

/**
 * The order-create SKU rule (orders.md §2 rule 2, errors.md §6.2): `null` when every line's SKU
 * is active, otherwise `400 SERVICE_ERROR` `Products not found or inactive: A, B` (distinct SKUs
 * in order of first appearance) with one details entry per offending line.
 */
export function skuCheckError(items: readonly { sku_code: string }[], activeSkus: ReadonlySet<string>): ApiError | null {
  const details: Record<string, string[]> = {};
  const missing: string[] = [];
  items.forEach((line, i) => {
    if (activeSkus.has(line.sku_code)) return;
    details[`items[${i}].sku_code`] = [`Product '${line.sku_code}' does not exist or is inactive.`];
    if (!missing.includes(line.sku_code)) missing.push(line.sku_code);
  });
  if (missing.length === 0) return null;
  return apiError('SERVICE_ERROR', `Products not found or inactive: ${missing.join(', ')}`, details);
}
