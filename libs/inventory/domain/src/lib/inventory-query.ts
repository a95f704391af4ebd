import type { ApiError } from '@datamingle/contracts';
import {
  collectCursorParam,
  err,
  FieldErrorCollector,
  Messages,
  ok,
  parseCursorParam,
  parseLimit,
  queryParamsError,
  type CursorPosition,
  type Result,
} from '@datamingle/kernel';

export const INVENTORY_BY_MODES = ['location', 'sku'] as const;
export type InventoryBy = (typeof INVENTORY_BY_MODES)[number];

export interface InventoryListQuery {
  limit: number;
  /** `null` = first page. */
  cursor: CursorPosition | null;
}

export interface InventoryItemQuery extends InventoryListQuery {
  by: InventoryBy;
}

/** Query parameters of `GET /inventory/` (inventory.md §3): `limit` and `cursor` only. */
export function validateInventoryListQuery(query: Record<string, string | undefined>): Result<InventoryListQuery, ApiError> {
  const cursor = parseCursorParam(query['cursor']);
  if (!cursor.ok) return err(cursor.error);
  return ok({ limit: parseLimit(query['limit']), cursor: cursor.value });
}

/**
 * Query parameters of `GET /inventory/{identifier}/` (inventory.md §4). `by` absent or empty →
 * `location`; any other value than `location` / `sku` (case-sensitive) is an error. Invalid
 * parameters are reported together in document order (`by`, `cursor`); when the cursor is
 * invalid the message is exactly `Invalid cursor: '<value>'` (errors.md §5.1).
 */
export function validateInventoryItemQuery(query: Record<string, string | undefined>): Result<InventoryItemQuery, ApiError> {
  const limit = parseLimit(query['limit']);
  const c = new FieldErrorCollector();

  let by: InventoryBy = 'location';
  const rawBy = query['by'];
  if (rawBy !== undefined && rawBy !== '') {
    if ((INVENTORY_BY_MODES as readonly string[]).includes(rawBy)) by = rawBy as InventoryBy;
    else c.add('by', Messages.invalidChoice(rawBy));
  }

  const { cursor, invalid } = collectCursorParam(query['cursor'], c);
  if (c.hasErrors) return err(queryParamsError(c, invalid));
  return ok({ by, limit, cursor });
}
