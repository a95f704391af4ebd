import type { ApiError } from '@datamingle/contracts';
import { err, ok, parseCursorParam, parseLimit, type CursorPosition, type Result } from '@datamingle/kernel';

export interface LocationListQuery {
  limit: number;
  /** `null` = first page. */
  cursor: CursorPosition | null;
}

/** Query parameters of `GET /locations/` (locations.md §3): `limit` and `cursor` only. */
export function validateLocationListQuery(query: Record<string, string | undefined>): Result<LocationListQuery, ApiError> {
  const cursor = parseCursorParam(query['cursor']);
  if (!cursor.ok) return err(cursor.error);
  return ok({ limit: parseLimit(query['limit']), cursor: cursor.value });
}
