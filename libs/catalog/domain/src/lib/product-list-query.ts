import type { ApiError } from '@datamingle/contracts';
import { err, ok, parseCursorParam, parseLimit, type CursorPosition, type Result } from '@datamingle/kernel';

export interface ProductListQuery {
  limit: number;
  cursor: CursorPosition | null;
}

/** Query parameters of `GET /products/` (products.md §3): `limit` and `cursor` only. */
export function validateProductListQuery(query: Record<string, string | undefined>): Result<ProductListQuery, ApiError> {
  const cursor = parseCursorParam(query['cursor']);
  if (!cursor.ok) return err(cursor.error);
  return ok({ limit: parseLimit(query['limit']), cursor: cursor.value });
}
